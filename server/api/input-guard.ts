/**
 * The one check every string a client sends goes through, before any schema or service sees it:
 * PostgreSQL refuses NUL in text (a NUL used to reach it and come back as a 500), and a lone UTF-16
 * surrogate can't be encoded as UTF-8, so it would be stored as something else than was sent.
 * Schemas still set each field's own maximum; this sets the ceiling for all of them.
 */

/** The longest string of text a request may carry; larger payloads are base64 data. */
export const MAX_TEXT_CHARS = 10 * 1024 * 1024;
const MAX_DEPTH = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface InputProblem {
  /** Where the bad value is, as the field path a form shows (`recipients.0.address`), or `input`. */
  path: string;
  message: string;
}

function checkString(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds a lone surrogate)';
  if (value.length > MAX_TEXT_CHARS && !BASE64.test(value)) return `must be at most ${MAX_TEXT_CHARS} characters`;
  return null;
}

/** The first problem in a decoded JSON value, or null when every string (keys included) is clean. */
export function findInputProblem(value: unknown, path: (string | number)[] = [], depth = 0): InputProblem | null {
  const where = () => (path.length ? path.join('.') : 'input');
  if (typeof value === 'string') {
    const message = checkString(value);
    return message ? { path: where(), message } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { path: where(), message: `is nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findInputProblem(value[i], [...path, i], depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = checkString(key);
    if (keyProblem) return { path: where(), message: `has a field name that ${keyProblem}` };
    const problem = findInputProblem(child, [...path, key], depth + 1);
    if (problem) return problem;
  }
  return null;
}
