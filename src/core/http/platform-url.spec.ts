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
