/**
 * The Content-Security-Policy of the app's own pages. Scripts run only with the per-request nonce
 * (Next puts it on its own scripts) or when loaded by such a script ('strict-dynamic').
 *
 * What is allowed beyond that, and why:
 * - 'wasm-unsafe-eval': libsodium (Argon2id, XChaCha20) is WebAssembly. It allows compiling wasm,
 *   not eval of JavaScript.
 * - style-src 'unsafe-inline': React renders style attributes, and the message frame (a srcdoc
 *   document, which inherits this policy) carries the message's own inline styles. Styles can't
 *   run code; the frame's own policy and DOMPurify keep them from loading anything.
 * - img-src https: http:: the message frame inherits this policy too, and shows remote images once
 *   the reader asks for them. Its own policy allows only data: until then.
 * - worker-src 'self' blob:: the key and MIME workers.
 * - 'unsafe-eval' only in development, where React needs it for error stacks.
 */
export function pageContentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    // The app never submits a form natively; every form is handled by script.
    "form-action 'none'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** 128 random bits, base64: fresh for every response. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
