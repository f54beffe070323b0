import { randomBytes } from 'node:crypto';

/** One part of a multipart/form-data body: a plain field, or a file with its own type. */
export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Buffer };

/**
 * A multipart/form-data body (RFC 7578) for media uploads. Names and filenames are quoted the
 * way browsers do it (`"`, CR and LF percent-encoded), so a filename taken from user input
 * cannot end its header line and smuggle in another part.
 */
export function encodeMultipart(
  parts: readonly MultipartPart[],
  boundary = `omnihub-${randomBytes(12).toString('hex')}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${quote(part.name)}"`;
    const headers =
      'value' in part
        ? `Content-Disposition: ${disposition}`
        : `Content-Disposition: ${disposition}; filename="${quote(part.filename)}"\r\n` +
          `Content-Type: ${part.contentType.replace(/[\r\n]/g, '')}`;
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`, 'utf8'));
    chunks.push('value' in part ? Buffer.from(part.value, 'utf8') : part.data);
    chunks.push(Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
