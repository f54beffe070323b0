import { normalizeTemplate } from './meta-template';

describe('normalizeTemplate', () => {
  it("reads Meta's template object into the normalised shape", () => {
    expect(
      normalizeTemplate({
        id: '1254870195123456',
        name: 'order_update',
        language: 'pt_BR',
        category: 'UTILITY',
        status: 'APPROVED',
        parameter_format: 'NAMED',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1h'] } },
          { type: 'BODY', text: 'Olá {{first_name}}', example: { body_text_named_params: [] } },
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'URL', text: 'Rastrear', url: 'https://loja.example.com/t/{{1}}' },
              { type: 'PHONE_NUMBER', text: 'Ligar', phone_number: '+551130000000' },
            ],
          },
        ],
      }),
    ).toEqual({
      id: '1254870195123456',
      name: 'order_update',
      language: 'pt_BR',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'NAMED',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Olá {{first_name}}' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'Rastrear', url: 'https://loja.example.com/t/{{1}}' },
            { type: 'PHONE_NUMBER', text: 'Ligar', phoneNumber: '+551130000000' },
          ],
        },
      ],
    });
  });

  it('defaults to positional parameters and skips malformed components', () => {
    const template = normalizeTemplate({
      name: 'hello_world',
      language: 'en_US',
      status: 'approved',
      components: [{ text: 'no type' }, 'junk', { type: 'body', text: 'Hello World' }],
    });
    expect(template).toMatchObject({
      parameterFormat: 'POSITIONAL',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Hello World' }],
    });
  });

  it('drops entries without a name or language', () => {
    expect(normalizeTemplate({ language: 'en_US' })).toBeUndefined();
    expect(normalizeTemplate({ name: 'x' })).toBeUndefined();
    expect(normalizeTemplate(null)).toBeUndefined();
  });
});
