/// <reference lib="webworker" />
import { answerKeyRequest, createKeyState } from './key-state';
import type { KeyRequest } from './protocol';

/** The key Worker: the private key lives only here, out of reach of the page's scripts. */
let currentId = 0;
const state = createKeyState((progress) => self.postMessage({ id: currentId, progress }));

// One operation at a time: Argon2id holds 128 MiB, and key state changes must not interleave.
let queue: Promise<unknown> = Promise.resolve();

self.onmessage = (event: MessageEvent<KeyRequest>) => {
  const { id, op, input } = event.data;
  queue = queue.then(async () => {
    currentId = id;
    self.postMessage(await answerKeyRequest(state, { id, op, input }));
  });
};
