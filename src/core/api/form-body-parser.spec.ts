import { parseBracketForm } from './form-body-parser';

describe('parseBracketForm', () => {
  it('nests PHP bracket keys as Bitrix24 posts them', () => {
    const body =
      'event=ONIMCONNECTORMESSAGEADD&data%5BLINE%5D=3&data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=45' +
      '&data[MESSAGES][0][message][text]=Ol%C3%A1%20%26%20bem&auth[application_token]=abc';
    expect(parseBracketForm(body)).toEqual({
      event: 'ONIMCONNECTORMESSAGEADD',
      data: {
        LINE: '3',
        MESSAGES: { '0': { im: { chat_id: '45' }, message: { text: 'Olá & bem' } } },
      },
      auth: { application_token: 'abc' },
    });
  });

  it('numbers empty brackets in order', () => {
    expect(parseBracketForm('values[]=a&values[]=b')).toEqual({ values: { '0': 'a', '1': 'b' } });
  });

  it.each(['__proto__[polluted]=1', 'a[constructor][prototype]=1', 'a]b=1'])(
    'refuses the hostile or malformed key %s',
    (body) => {
      expect(() => parseBracketForm(body)).toThrow();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('refuses keys nested deeper than twelve levels', () => {
    expect(() => parseBracketForm(`a${'[x]'.repeat(12)}=1`)).toThrow(/deeper/);
  });
});
