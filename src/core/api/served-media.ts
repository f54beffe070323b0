/**
 * Types a browser may show in place: raster images, audio and video. Everything else (SVG and
 * HTML run scripts, PDFs and office files carry their own risks) is served as a download.
 */
const INLINE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'audio/aac',
  'audio/amr',
  'audio/mp4',
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/webm',
  'video/3gpp',
  'video/mp4',
  'video/quicktime',
  'video/webm',
]);

/** `type/subtype`, optionally with parameters (`audio/ogg; codecs=opus`). */
const MEDIA_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[\x20-\x7e]*)?$/i;

export interface ServedFile {
  /** As the platform (or the sender) declared it: not trusted. */
  mimeType: string;
  filename?: string;
  /** Bytes, when known before streaming starts. */
  contentLength?: number;
}

/**
 * Response headers for a file that came from a platform (a customer's upload) and is streamed
 * to our frontend, whose origin may render it. The declared type is kept only when it is
 * well-formed, the browser may not sniff another (`nosniff`), and only INLINE_TYPES may render
 * in place; the rest is `attachment`. With a Content-Length a client can tell a download that
 * broke off (a size cap hit mid-stream) from a complete one.
 */
export function servedMediaHeaders(file: ServedFile): Record<string, string> {
  const mimeType = MEDIA_TYPE.test(file.mimeType) ? file.mimeType : 'application/octet-stream';
  const essence = mimeType.split(';')[0].trim().toLowerCase();
  const disposition = INLINE_TYPES.has(essence) ? 'inline' : 'attachment';
  return {
    'content-type': mimeType,
    'x-content-type-options': 'nosniff',
    'content-disposition': file.filename
      ? `${disposition}; filename="${asciiFallback(file.filename)}"; filename*=UTF-8''${encodeRfc5987(file.filename)}`
      : disposition,
    ...(file.contentLength !== undefined ? { 'content-length': String(file.contentLength) } : {}),
  };
}

/** The name for old clients: printable ASCII without quotes or backslashes. */
function asciiFallback(filename: string): string {
  return filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
}

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the grammar forbids. */
function encodeRfc5987(filename: string): string {
  return encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
