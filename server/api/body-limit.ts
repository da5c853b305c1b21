/**
 * The largest tRPC request body. The biggest legitimate one is compose.sendInternal: up to 256 MiB of
 * base64 ciphertext (one copy per recipient mailbox, see MAX_REQUEST_CIPHERTEXT) plus summaries.
 */
export const MAX_REQUEST_BODY_BYTES = 264 * 1024 * 1024;
