/// <reference lib="webworker" />
import { parseMessage } from './parse-message';

/**
 * Parses decrypted mail off the page's thread, so a hostile message can't freeze the page; the
 * proxy stops this Worker when a parse runs past its time.
 */
self.onmessage = async (event: MessageEvent<{ id: number; raw: Uint8Array }>) => {
  const { id, raw } = event.data;
  const result = await parseMessage(raw);
  const buffers = result.status === 'ok' ? [...new Set(result.message.attachments.map((a) => a.content.buffer as ArrayBuffer))] : [];
  self.postMessage({ id, result }, { transfer: buffers });
};
