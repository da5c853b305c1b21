import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { trpcCallers } from '../../testing/api';
import { createTestUser } from '../../testing/factories';

/**
 * The procedures (five of the six; compose.sendInternal is gone) where a NUL byte used to reach PostgreSQL and come back as a 500: each now
 * answers 400 and names the field. The other fields are valid, so before the input guard the NUL was
 * what got through to the database.
 */
const db = useTestDb();
const callerFor = trpcCallers(db);

async function badRequest(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return { status: getHTTPStatusCodeFromError(err as TRPCError), message: (err as TRPCError).message };
}

const copy = { raw: 'AAAA', summary: 'AAAA', size: 3 };

describe('NUL and lone surrogates in input', () => {
  it('answers 400 naming the field in each of the five procedures', async () => {
    const user = await createTestUser(db);
    const caller = callerFor(user);
    const nul = `${user.username}\u0000@localhost`;
    const cases: [Promise<unknown>, string][] = [
      [caller.addresses.updateAlias({ id: crypto.randomUUID(), note: 'a\u0000b' }), 'note'],
      [caller.outbound.send({ from: nul, recipients: ['x@example.com'], mime: 'AAAA' }), 'from'],
      [caller.outbound.sendPrebuilt({ from: nul, recipients: ['x@example.com'], mime: 'AAAA' }), 'from'],
      [caller.compose.recipientKeys({ addresses: ['x\u0000@example.com'] }), 'addresses.0'],
      [
        caller.compose.scheduleInternal({
          from: nul,
          recipients: [{ ...copy, address: user.account.address }],
          sendAt: new Date(Date.now() + 3600_000).toISOString(),
        }),
        'from',
      ],
    ];
    for (const [call, field] of cases) {
      const { status, message } = await badRequest(call);
      expect([status, message]).toEqual([400, `${field} must not contain a NUL character.`]);
    }
  });

  it('answers 400 for a lone surrogate, and lets paired ones (emoji) through to the service', async () => {
    const caller = callerFor(await createTestUser(db));
    const lone = await badRequest(caller.addresses.updateAlias({ id: crypto.randomUUID(), note: 'x\uD800' }));
    expect([lone.status, lone.message]).toEqual([400, 'note must be valid Unicode text (it holds a lone surrogate).']);
    // Control: the same call with valid text reaches the service, which finds no such alias.
    const missing = await badRequest(caller.addresses.updateAlias({ id: crypto.randomUUID(), note: 'x 😀' }));
    expect(missing.status).toBe(404);
  });

  it('names the field of a schema error too, with a 400', async () => {
    const caller = callerFor(await createTestUser(db));
    const { status, message } = await badRequest(caller.addresses.updateAlias({ id: crypto.randomUUID(), note: 'n'.repeat(201) }));
    expect(status).toBe(400);
    expect(message).toMatch(/^note: /);
  });
});
