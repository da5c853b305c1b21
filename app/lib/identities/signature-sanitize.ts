import DOMPurify from 'dompurify';

/**
 * Signatures are HTML from the user's own rich editor, but they come back from the server (as
 * ciphertext that only this key opens): they are sanitized with DOMPurify before an editor or a
 * message gets them, to the tags and attributes the editor itself makes, links to http(s) and
 * mailto only. The editor's schema filters once more when it loads them.
 */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 's', 'u', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'h2', 'h3', 'hr'];
const ALLOWED_ATTR = ['href', 'target', 'rel', 'start'];

export function sanitizeSignatureHtml(html: string): string {
  if (typeof window === 'undefined') return '';
  const purify = DOMPurify(window);
  if (!purify.isSupported) return '';
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    ALLOW_DATA_ATTR: false,
  });
}
