import { beforeAll, describe, expect, it } from 'vitest';
import { trpcCallers, trpcError } from '../../testing/api';
import { useTestDb } from '../../testing/db';
import { type TestUser, createTestUser } from '../../testing/factories';

const db = useTestDb();
const callerFor = trpcCallers(db);
let alice: TestUser;

beforeAll(async () => {
  alice = await createTestUser(db);
});

describe('pinning a key that is not one', () => {
  it('answers in words a person can act on, not a schema complaint', async () => {
    for (const publicKey of ['hello', 'x'.repeat(150), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbroken\n-----END PGP PUBLIC KEY BLOCK-----']) {
      const error = await trpcError(callerFor(alice).compose.pinKey({ address: 'dave@example.org', publicKey }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^That is not an OpenPGP public key\. Paste the whole block/);
      expect(error.message).not.toMatch(/Too small|expected|publicKey:/);
    }
    expect(await callerFor(alice).compose.pinnedKeys()).toEqual([]);
  });
});
