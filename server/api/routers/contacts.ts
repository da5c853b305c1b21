import { z } from 'zod';
import { MAX_CONTACTS_PER_CALL, MAX_CONTACT_CIPHERTEXT, contactsOf, createContacts, editContact, removeContacts } from '../../contacts/contacts.service';
import { protectedProcedure, router } from '../trpc';

// Base64 of at most MAX_CONTACT_CIPHERTEXT bytes; the service says so in words if it is longer.
const encryptedContact = z
  .string()
  .max(Math.ceil(MAX_CONTACT_CIPHERTEXT / 3) * 4 + 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')
  .min(4);
const contact = z.object({ id: z.string(), data: z.string(), updatedAt: z.string() });

/** The address book: ids and ciphertext only (server/contacts/contacts.service.ts). */
export const contactsRouter = router({
  list: protectedProcedure.output(z.array(contact)).query(({ ctx }) => contactsOf(ctx.db, ctx.session.account)),

  /** One contact, or an import's batch. */
  create: protectedProcedure
    .input(z.object({ contacts: z.array(encryptedContact).min(1).max(MAX_CONTACTS_PER_CALL) }))
    .output(z.array(contact))
    .mutation(({ ctx, input }) => createContacts(ctx.db, ctx.session.account, input.contacts)),

  update: protectedProcedure
    .input(z.object({ id: z.string().uuid(), data: encryptedContact }))
    .output(contact)
    .mutation(({ ctx, input }) => editContact(ctx.db, ctx.session.account, input)),

  remove: protectedProcedure
    .input(z.object({ ids: z.array(z.string().uuid()).min(1).max(MAX_CONTACTS_PER_CALL) }))
    .output(z.object({ deleted: z.number().int() }))
    .mutation(({ ctx, input }) => removeContacts(ctx.db, ctx.session.account, input.ids)),
});
