/**
 * The one check of a part's Content-Type, for the browser that writes it and the server that
 * accepts it. A forwarded attachment's type is whatever its sender wrote: only a plain
 * `type/subtype` goes on, anything else becomes application/octet-stream.
 */
const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

export const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

export function isPlainContentType(type: string): boolean {
  return type.length <= 255 && MIME_TYPE.test(type);
}

/** The type to write for a part: lowercase `type/subtype`, or application/octet-stream. */
export function safeContentType(type: string): string {
  return isPlainContentType(type) ? type.toLowerCase() : FALLBACK_CONTENT_TYPE;
}
