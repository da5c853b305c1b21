import { describe, expect, it } from 'vitest';
import { utf8 } from '@/crypto';
import { answerKeyRequest, createKeyState } from './key-state';
import { KeyError, type KeyRequest, type KeyResponse, keyErrorFrom } from './protocol';

/** A request through the Worker's own handler, and its answer through structured clone, as postMessage carries it. */
async function across(request: KeyRequest): Promise<KeyResponse> {
  return structuredClone(await answerKeyRequest(createKeyState(), request));
}

async function rejection(request: KeyRequest): Promise<KeyError> {
  const response = await across(request);
  if (response.ok) throw new Error(`${request.op} succeeded`);
  const err = keyErrorFrom(response.error);
  expect(err).toBeInstanceOf(KeyError);
  return err;
}

describe('key worker errors keep their code across the boundary', () => {
  it('says locked when no key is unlocked', async () => {
    const err = await rejection({ id: 1, op: 'encryptToSelf', input: { parts: [utf8('x')] } });
    expect(err.code).toBe('locked');
    expect((await rejection({ id: 2, op: 'setUserIds', input: { userIds: [] } })).code).toBe('locked');
  });

  it('says out-of-order when a step comes before the one it needs', async () => {
    expect((await rejection({ id: 3, op: 'unlock', input: { wrappedKey: 'AAAA' } })).code).toBe('out-of-order');
    expect((await rejection({ id: 4, op: 'activatePending', input: undefined })).code).toBe('out-of-order');
  });

  it('says failed, with the message, for anything unexpected', async () => {
    const err = await rejection({ id: 5, op: 'encryptTo', input: { parts: [utf8('x')], publicKeys: ['not a key'] } });
    expect(err.code).toBe('failed');
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('passes results through unchanged', async () => {
    expect(await across({ id: 6, op: 'isUnlocked', input: undefined })).toEqual({ id: 6, ok: true, result: { unlocked: false } });
  });
});
