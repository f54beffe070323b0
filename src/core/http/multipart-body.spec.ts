import { encodeMultipart } from './multipart-body';

describe('encodeMultipart', () => {
  it('writes fields and files between boundaries, file bytes untouched', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0x00, 0x0d, 0x0a, 0xd9]);
    const { body, contentType } = encodeMultipart(
      [
        { name: 'messaging_product', value: 'whatsapp' },
        { name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: bytes },
      ],
      'XyZ',
    );

    expect(contentType).toBe('multipart/form-data; boundary=XyZ');
    expect(body).toEqual(
      Buffer.concat([
        Buffer.from(
          '--XyZ\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n' +
            '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n' +
            'Content-Type: image/jpeg\r\n\r\n',
        ),
        bytes,
        Buffer.from('\r\n--XyZ--\r\n'),
      ]),
    );
  });

  it('keeps a hostile filename inside its header', () => {
    const { body } = encodeMultipart(
      [
        {
          name: 'file',
          filename: 'a"\r\nContent-Type: text/html\r\n\r\nx.pdf',
          contentType: 'application/pdf\r\nX-Evil: 1',
          data: Buffer.from('%PDF'),
        },
      ],
      'b',
    );
    const text = body.toString('utf8');
    expect(text).toContain('filename="a%22%0D%0AContent-Type: text/html%0D%0A%0D%0Ax.pdf"');
    expect(text).toContain('Content-Type: application/pdfX-Evil: 1\r\n\r\n%PDF');
    expect(text.split('\r\n\r\n')).toHaveLength(2);
  });

  it('picks a fresh boundary when none is given', () => {
    const first = encodeMultipart([{ name: 'a', value: '1' }]).contentType;
    const second = encodeMultipart([{ name: 'a', value: '1' }]).contentType;
    expect(first).toMatch(/^multipart\/form-data; boundary=omnihub-[0-9a-f]{24}$/);
    expect(first).not.toBe(second);
  });
});
