import type { MetaTemplate, MetaTemplateComponent } from './meta-template';
import { validateTemplateSend } from './template-parameters';
import { placeholdersIn } from './template-placeholders';

const template = (
  components: MetaTemplateComponent[],
  extra: Partial<MetaTemplate> = {},
): MetaTemplate => ({
  id: '1254870195123456',
  name: 'order_update',
  language: 'pt_BR',
  category: 'UTILITY',
  status: 'APPROVED',
  parameterFormat: 'POSITIONAL',
  components,
  ...extra,
});

const text = (value: string) => ({ type: 'text', text: value });
const fields = (errors: { field: string }[]) => errors.map((e) => e.field);

const orderUpdate = template([
  { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}' },
  { type: 'BODY', text: 'Olá {{1}}, seu pedido {{2}} saiu para entrega em {{3}}.' },
  { type: 'FOOTER', text: 'Loja Exemplo' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'URL', text: 'Rastrear', url: 'https://loja.example.com/track/{{1}}' },
      { type: 'QUICK_REPLY', text: 'Falar com atendente' },
      { type: 'PHONE_NUMBER', text: 'Ligar', phoneNumber: '+551130000000' },
    ],
  },
]);

const validOrderUpdate = [
  { type: 'header', parameters: [text('A-1001')] },
  { type: 'body', parameters: [text('Ana'), text('A-1001'), text('sexta-feira')] },
  { type: 'button', sub_type: 'url', index: '0', parameters: [text('A-1001')] },
];

describe('placeholdersIn', () => {
  it('counts distinct positional placeholders and lists named ones', () => {
    expect(placeholdersIn('Hi {{1}}, {{2}} and again {{1}}')).toEqual({
      kind: 'positional',
      count: 2,
    });
    expect(placeholdersIn('Hi {{ first_name }}, order {{order_id}}')).toEqual({
      kind: 'named',
      names: ['first_name', 'order_id'],
    });
    expect(placeholdersIn('No variables here')).toEqual({ kind: 'none' });
    expect(placeholdersIn(undefined)).toEqual({ kind: 'none' });
  });
});

describe('validateTemplateSend', () => {
  it('accepts a send that fills every placeholder', () => {
    expect(
      validateTemplateSend(orderUpdate, { language: 'pt_BR', components: validOrderUpdate }),
    ).toEqual([]);
  });

  it('accepts a template without placeholders sent without components', () => {
    const hello = template([{ type: 'BODY', text: 'Hello World' }], { name: 'hello_world' });
    expect(validateTemplateSend(hello, { language: 'pt_BR' })).toEqual([]);
    expect(validateTemplateSend(hello, { language: 'pt_BR', components: [] })).toEqual([]);
  });

  it('names the language when it differs from the approved one', () => {
    const errors = validateTemplateSend(orderUpdate, {
      language: 'en_US',
      components: validOrderUpdate,
    });
    expect(errors).toEqual([
      {
        field: 'template.language',
        message: 'template "order_update" is approved in pt_BR, not en_US',
      },
    ]);
  });

  it('names the body parameters when their count does not match {{1}}…{{n}}', () => {
    const components = [
      validOrderUpdate[0],
      { type: 'body', parameters: [text('Ana'), text('A-1001')] },
      validOrderUpdate[2],
    ];
    const errors = validateTemplateSend(orderUpdate, { language: 'pt_BR', components });
    expect(errors).toEqual([
      {
        field: 'template.components[1].parameters',
        message: 'the template body has 3 placeholder(s) ({{1}}…{{3}}); got 2 parameter(s)',
      },
    ]);
  });

  it('reports missing header, body and URL button components', () => {
    const errors = validateTemplateSend(orderUpdate, { language: 'pt_BR', components: [] });
    expect(errors.map((e) => e.message)).toEqual([
      'missing header component: the template header has 1 placeholder(s)',
      'missing body component: the template body has 3 placeholder(s)',
      'missing button component for button 0 (URL), which takes a parameter',
    ]);
    expect(new Set(fields(errors))).toEqual(new Set(['template.components']));
  });

  it('refuses parameters for texts without placeholders', () => {
    const plain = template([
      { type: 'HEADER', format: 'TEXT', text: 'Aviso' },
      { type: 'BODY', text: 'Sua conta foi atualizada.' },
    ]);
    const errors = validateTemplateSend(plain, {
      language: 'pt_BR',
      components: [
        { type: 'header', parameters: [text('x')] },
        { type: 'body', parameters: [text('y')] },
      ],
    });
    expect(fields(errors)).toEqual([
      'template.components[0].parameters',
      'template.components[1].parameters',
    ]);
  });

  it('checks each parameter shape: non-empty text, currency, date_time', () => {
    const errors = validateTemplateSend(orderUpdate, {
      language: 'pt_BR',
      components: [
        validOrderUpdate[0],
        {
          type: 'body',
          parameters: [
            { type: 'text', text: '  ' },
            {
              type: 'currency',
              currency: { fallback_value: 'R$ 10,00', code: 'BRL', amount_1000: 10000 },
            },
            { type: 'date_time', date_time: {} },
          ],
        },
        validOrderUpdate[2],
      ],
    });
    expect(errors).toEqual([
      { field: 'template.components[1].parameters[0].text', message: 'must be a non-empty string' },
      { field: 'template.components[1].parameters[2].date_time', message: 'needs fallback_value' },
    ]);
  });

  it('refuses a parameter type the component does not take', () => {
    const errors = validateTemplateSend(orderUpdate, {
      language: 'pt_BR',
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://x.test/a.png' } }],
        },
        validOrderUpdate[1],
        validOrderUpdate[2],
      ],
    });
    expect(errors).toEqual([
      {
        field: 'template.components[0].parameters[0].type',
        message: '"image" is not allowed here; expected text',
      },
    ]);
  });

  describe('media headers', () => {
    const promo = (format: string) =>
      template([
        { type: 'HEADER', format },
        { type: 'BODY', text: 'Promoção de verão!' },
      ]);

    it('accepts the media type the header format demands, by id or link', () => {
      for (const [format, type] of [
        ['IMAGE', 'image'],
        ['VIDEO', 'video'],
        ['DOCUMENT', 'document'],
      ]) {
        const components = [
          { type: 'header', parameters: [{ type, [type]: { link: 'https://cdn.example.com/f' } }] },
        ];
        expect(validateTemplateSend(promo(format), { language: 'pt_BR', components })).toEqual([]);
      }
      const byId = [
        { type: 'header', parameters: [{ type: 'image', image: { id: '1013859600285441' } }] },
      ];
      expect(validateTemplateSend(promo('IMAGE'), { language: 'pt_BR', components: byId })).toEqual(
        [],
      );
    });

    it('names the parameter type when it does not match the header format', () => {
      const components = [
        {
          type: 'header',
          parameters: [{ type: 'video', video: { link: 'https://cdn.example.com/v' } }],
        },
      ];
      expect(validateTemplateSend(promo('IMAGE'), { language: 'pt_BR', components })).toEqual([
        {
          field: 'template.components[0].parameters[0].type',
          message: '"video" is not allowed here; expected image',
        },
      ]);
    });

    it('requires the media header, exactly one parameter, and one of id or link', () => {
      expect(fields(validateTemplateSend(promo('IMAGE'), { language: 'pt_BR' }))).toEqual([
        'template.components',
      ]);
      const two = [{ type: 'header', parameters: [text('a'), text('b')] }];
      expect(
        fields(validateTemplateSend(promo('DOCUMENT'), { language: 'pt_BR', components: two })),
      ).toEqual(['template.components[0].parameters']);
      const both = [
        { type: 'header', parameters: [{ type: 'image', image: { id: '1', link: 'https://x' } }] },
      ];
      expect(validateTemplateSend(promo('IMAGE'), { language: 'pt_BR', components: both })).toEqual(
        [
          {
            field: 'template.components[0].parameters[0].image',
            message: 'needs exactly one of id or link',
          },
        ],
      );
    });

    it.each([
      ['http://cdn.example.com/p.jpg', 'must use https'],
      ['https://169.254.169.254/latest/meta-data/', 'link-local'],
      ['https://metadata.google.internal/computeMetadata/v1/', 'internal host'],
    ])('refuses a header link Meta should not be handed: %s', (link, why) => {
      const components = [{ type: 'header', parameters: [{ type: 'image', image: { link } }] }];
      const errors = validateTemplateSend(promo('IMAGE'), { language: 'pt_BR', components });
      expect(errors).toEqual([
        {
          field: 'template.components[0].parameters[0].image',
          message: expect.stringContaining(why),
        },
      ]);
    });

    it('takes a location for a LOCATION header', () => {
      const components = [
        {
          type: 'header',
          parameters: [{ type: 'location', location: { latitude: '-23.55', longitude: '-46.63' } }],
        },
      ];
      expect(validateTemplateSend(promo('LOCATION'), { language: 'pt_BR', components })).toEqual(
        [],
      );
    });
  });

  describe('named parameters', () => {
    const named = template(
      [
        { type: 'HEADER', format: 'TEXT', text: 'Olá {{first_name}}' },
        { type: 'BODY', text: 'Seu pedido {{order_id}} chega {{delivery_date}}.' },
      ],
      { parameterFormat: 'NAMED' },
    );
    const param = (name: string, value: string) => ({
      type: 'text',
      parameter_name: name,
      text: value,
    });

    it('accepts parameters matched by parameter_name in any order', () => {
      const components = [
        { type: 'header', parameters: [param('first_name', 'Ana')] },
        {
          type: 'body',
          parameters: [param('delivery_date', 'amanhã'), param('order_id', 'A-1001')],
        },
      ];
      expect(validateTemplateSend(named, { language: 'pt_BR', components })).toEqual([]);
    });

    it('names missing, unknown, unnamed and repeated parameter names', () => {
      const components = [
        { type: 'header', parameters: [text('Ana')] },
        {
          type: 'body',
          parameters: [param('order_id', 'A-1'), param('order_id', 'A-2'), param('coupon', 'X')],
        },
      ];
      expect(validateTemplateSend(named, { language: 'pt_BR', components })).toEqual([
        {
          field: 'template.components[0].parameters[0].parameter_name',
          message: 'required: the template header uses named parameters',
        },
        {
          field: 'template.components[0].parameters',
          message: 'missing header parameter(s): first_name',
        },
        {
          field: 'template.components[1].parameters[1].parameter_name',
          message: '"order_id" given twice',
        },
        {
          field: 'template.components[1].parameters[2].parameter_name',
          message: '"coupon" is not in the template body (expected order_id, delivery_date)',
        },
        {
          field: 'template.components[1].parameters',
          message: 'missing body parameter(s): delivery_date',
        },
      ]);
    });
  });

  describe('buttons', () => {
    it('names a button index the template does not have', () => {
      const components = [
        ...validOrderUpdate,
        { type: 'button', sub_type: 'quick_reply', index: '5', parameters: [] },
      ];
      expect(validateTemplateSend(orderUpdate, { language: 'pt_BR', components })).toEqual([
        {
          field: 'template.components[3].index',
          message: 'the template has 3 button(s); there is no button 5',
        },
      ]);
    });

    it('names a sub_type that does not match the button type', () => {
      const components = [
        validOrderUpdate[0],
        validOrderUpdate[1],
        { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [text('A-1001')] },
      ];
      expect(validateTemplateSend(orderUpdate, { language: 'pt_BR', components })).toEqual([
        {
          field: 'template.components[2].sub_type',
          message: 'button 0 is URL: sub_type must be "url"',
        },
      ]);
    });

    it('checks URL, quick reply and copy code parameters', () => {
      const coupon = template([
        { type: 'BODY', text: 'Use o cupom abaixo.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'COPY_CODE' },
            { type: 'QUICK_REPLY', text: 'Parar' },
            { type: 'URL', text: 'Loja', url: 'https://loja.example.com' },
          ],
        },
      ]);
      const good = [
        {
          type: 'button',
          sub_type: 'copy_code',
          index: '0',
          parameters: [{ type: 'coupon_code', coupon_code: 'VERAO25' }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'payload', payload: 'STOP' }],
        },
      ];
      expect(validateTemplateSend(coupon, { language: 'pt_BR', components: good })).toEqual([]);

      const bad = [
        {
          type: 'button',
          sub_type: 'copy_code',
          index: '0',
          parameters: [{ type: 'coupon_code' }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'text', text: 'x' }],
        },
        { type: 'button', sub_type: 'url', index: '2', parameters: [text('suffix')] },
      ];
      expect(fields(validateTemplateSend(coupon, { language: 'pt_BR', components: bad }))).toEqual([
        'template.components[0].parameters[0].coupon_code',
        'template.components[1].parameters[0].type',
        'template.components[2].parameters',
      ]);
    });
  });

  describe('malformed components', () => {
    it('names components that are not an array, of unknown type or repeated', () => {
      expect(validateTemplateSend(orderUpdate, { language: 'pt_BR', components: 'body' })).toEqual(
        expect.arrayContaining([{ field: 'template.components', message: 'must be an array' }]),
      );
      const components = [
        ...validOrderUpdate,
        { type: 'footer', parameters: [] },
        { type: 'body', parameters: [] },
        { type: 'button', sub_type: 'url', index: 'first', parameters: [] },
        { type: 'header', parameters: 'A-1001' },
      ];
      expect(fields(validateTemplateSend(orderUpdate, { language: 'pt_BR', components }))).toEqual([
        'template.components[3].type',
        'template.components[4]',
        'template.components[5].index',
        'template.components[6].parameters',
      ]);
    });
  });
});
