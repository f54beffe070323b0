export interface FormFile {
  filename: string;
  contentType?: string;
  data: Buffer;
}

export interface ParsedForm {
  fields: Record<string, string>;
  files: Record<string, FormFile>;
}

/**
 * A strict multipart/form-data reader for the fake's upload route: it must see exactly what a
 * server sees, so it works on the raw bytes (file content is never decoded as text) and fails
 * (undefined) on anything malformed rather than guessing.
 */
export function parseMultipart(
  raw: Buffer,
  contentType: string | undefined,
): ParsedForm | undefined {
  const boundary = /^multipart\/form-data;\s*boundary=("?)([^";]+)\1$/i.exec(
    contentType ?? '',
  )?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const form: ParsedForm = { fields: {}, files: {} };
  let start = raw.indexOf(delimiter);
  if (start !== 0) return undefined;
  for (;;) {
    const afterDelimiter = start + delimiter.length;
    if (raw.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return form;
    const next = raw.indexOf(delimiter, afterDelimiter);
    if (next < 0) return undefined;
    // A part is `\r\n<headers>\r\n\r\n<content>\r\n` between two delimiters.
    const part = raw.subarray(afterDelimiter + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1];
    if (name === undefined) return undefined;
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (filename === undefined) {
      form.fields[name] = content.toString('utf8');
    } else {
      const type = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim();
      form.files[name] = { filename, contentType: type, data: Buffer.from(content) };
    }
    start = next;
  }
}
