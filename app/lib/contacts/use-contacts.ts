'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import { callKeys } from '../keys/key-proxy';
import { errorMessage, useTRPC, useTRPCClient } from '../trpc';
import { type Contact, type ContactFields, decodeContact, encodeContact, normalizeContact, sortContacts } from './contact';

/** Contacts per create call and per encryption round trip (the server takes at most 200). */
const BATCH = 50;

export interface AddressBook {
  contacts: Contact[];
  /** Entries the key could not open or that hold a format this version doesn't know. */
  unreadable: number;
}

/**
 * The address book, decrypted in the key Worker (the server keeps ciphertext only), sorted by name.
 * Kept under 'sealpost-decrypted' like every other decrypted thing, so signing out forgets it.
 */
export function useAddressBook() {
  const trpc = useTRPC();
  const stored = useQuery(trpc.contacts.list.queryOptions(undefined, { staleTime: 60_000 }));
  const decrypted = useQuery({
    queryKey: ['sealpost-decrypted', 'contacts', stored.data?.map((c) => `${c.id}:${c.updatedAt}`) ?? []],
    enabled: stored.isSuccess,
    staleTime: Infinity,
    queryFn: async (): Promise<AddressBook> => {
      const rows = stored.data ?? [];
      if (rows.length === 0) return { contacts: [], unreadable: 0 };
      const { results } = await callKeys('decryptBatch', { items: rows.map((c) => fromBase64(c.data)) });
      const contacts: Contact[] = [];
      rows.forEach((row, i) => {
        const r = results[i];
        const fields = r?.status === 'ok' ? decodeContact(r.data) : null;
        if (fields) contacts.push({ id: row.id, ...fields });
      });
      return { contacts: sortContacts(contacts), unreadable: rows.length - contacts.length };
    },
  });
  return { stored, decrypted, error: stored.error ?? decrypted.error, isPending: stored.isPending || (stored.isSuccess && decrypted.isPending) };
}

/** A save that the server refused for one field: the form shows it there. */
export class ContactFieldError extends Error {
  constructor(
    readonly field: 'publicKey' | 'form',
    message: string,
  ) {
    super(message);
  }
}

export interface ImportReport {
  added: number;
  /** Keys the server would not pin (the contact is kept without it). */
  keysRefused: number;
}

/** Each contact as its own OpenPGP message to the user's key, made in the key Worker. */
const encrypt = async (list: ContactFields[]) => (await callKeys('encryptToSelf', { parts: list.map(encodeContact) })).parts.map(toBase64);

export function useContactActions() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.contacts.list.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.compose.pinnedKeys.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.compose.recipientKeys.pathKey() }),
      ]),
    [queryClient, trpc],
  );

  /** The key is pinned for the first address through compose.pinKey, whose refusals are sentences. */
  const pin = useCallback(
    async (fields: ContactFields) => {
      if (!fields.publicKey || !fields.emails[0]) return;
      try {
        await client.compose.pinKey.mutate({ address: fields.emails[0], publicKey: fields.publicKey });
      } catch (err) {
        throw new ContactFieldError('publicKey', errorMessage(err));
      }
    },
    [client],
  );

  const save = useCallback(
    async (input: ContactFields, id?: string) => {
      const fields = normalizeContact(input);
      await pin(fields);
      const [data] = await encrypt([fields]);
      try {
        if (id) await client.contacts.update.mutate({ id, data: data! });
        else await client.contacts.create.mutate({ contacts: [data!] });
      } catch (err) {
        throw new ContactFieldError('form', errorMessage(err));
      } finally {
        await refresh();
      }
    },
    [client, pin, refresh],
  );

  const remove = useCallback(
    async (ids: string[]) => {
      try {
        for (let i = 0; i < ids.length; i += BATCH) await client.contacts.remove.mutate({ ids: ids.slice(i, i + BATCH) });
      } finally {
        await refresh();
      }
    },
    [client, refresh],
  );

  /** Adds many contacts (a vCard import) in batches; onProgress gets the count stored so far. */
  const importMany = useCallback(
    async (list: ContactFields[], onProgress: (done: number) => void): Promise<ImportReport> => {
      let added = 0;
      let keysRefused = 0;
      try {
        for (let i = 0; i < list.length; i += BATCH) {
          const batch: ContactFields[] = [];
          for (const contact of list.slice(i, i + BATCH)) {
            try {
              await pin(contact);
              batch.push(contact);
            } catch {
              keysRefused++;
              batch.push({ ...contact, publicKey: '' });
            }
          }
          await client.contacts.create.mutate({ contacts: await encrypt(batch) });
          added += batch.length;
          onProgress(added);
        }
      } finally {
        await refresh();
      }
      return { added, keysRefused };
    },
    [client, pin, refresh],
  );

  return { save, remove, importMany };
}
