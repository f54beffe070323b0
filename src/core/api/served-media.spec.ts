import { servedMediaHeaders } from './served-media';

describe('servedMediaHeaders', () => {
  it.each([
    ['image/jpeg', 'inline'],
    ['image/png', 'inline'],
    ['image/webp', 'inline'],
    ['audio/ogg; codecs=opus', 'inline'],
    ['AUDIO/MPEG', 'inline'],
    ['video/mp4', 'inline'],
    ['image/svg+xml', 'attachment'],
    ['text/html', 'attachment'],
    ['text/html; charset=utf-8', 'attachment'],
    ['application/xhtml+xml', 'attachment'],
    ['text/xml', 'attachment'],
    ['application/pdf', 'attachment'],
    ['application/javascript', 'attachment'],
    ['application/octet-stream', 'attachment'],
  ])('serves %s %s, never sniffed', (mimeType, disposition) => {
    const headers = servedMediaHeaders({ mimeType });
    expect(headers['content-type']).toBe(mimeType);
    expect(headers['content-disposition']).toBe(disposition);
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['', 'html', 'text/html\r\nset-cookie: a=b', '<script>', 'image/ jpeg'])(
    'replaces a malformed declared type %j with application/octet-stream, as a download',
    (mimeType) => {
      expect(servedMediaHeaders({ mimeType })).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment',
      });
    },
  );

  it('names the file for old and new clients, and passes a known length on', () => {
    expect(
      servedMediaHeaders({
        mimeType: 'application/pdf',
        filename: 'nota "fiscal" (1001)\\ação.pdf',
        contentLength: 1234,
      }),
    ).toEqual({
      'content-type': 'application/pdf',
      'x-content-type-options': 'nosniff',
      'content-disposition':
        'attachment; filename="nota _fiscal_ (1001)_a__o.pdf"; ' +
        "filename*=UTF-8''nota%20%22fiscal%22%20%281001%29%5Ca%C3%A7%C3%A3o.pdf",
      'content-length': '1234',
    });
  });
});
