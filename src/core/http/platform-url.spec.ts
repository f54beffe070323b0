import { platformUrl } from './platform-url';

describe('platformUrl', () => {
  it('keeps the path prefix of the base URL', () => {
    expect(platformUrl('https://graph.example.com/v21.0/', '/123/messages').href).toBe(
      'https://graph.example.com/v21.0/123/messages',
    );
    expect(platformUrl('http://127.0.0.1:8080/proxy/meta', '123/messages').href).toBe(
      'http://127.0.0.1:8080/proxy/meta/123/messages',
    );
  });

  it('works with a bare origin and an empty path', () => {
    expect(platformUrl('https://api.example.com', '/v1/items').href).toBe(
      'https://api.example.com/v1/items',
    );
    expect(platformUrl('https://api.example.com/root', '').href).toBe(
      'https://api.example.com/root',
    );
  });

  it('uses a full URL exactly as given when the path is empty', () => {
    const signed = 'https://lookaside.example.com/attachments/?mid=77&ext=1700000000&hash=AbC-_9';
    expect(platformUrl(signed, '').href).toBe(signed);
    expect(platformUrl(signed, '', { extra: 1 }).href).toBe(`${signed}&extra=1`);
  });

  it('encodes query values, repeats arrays and skips undefined', () => {
    const url = platformUrl('https://api.example.com', '/events', {
      q: 'a b&c',
      limit: 10,
      deleted: false,
      field: ['id', 'name'],
      pageToken: undefined,
    });
    expect(url.search).toBe('?q=a+b%26c&limit=10&deleted=false&field=id&field=name');
  });
});
