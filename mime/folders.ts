/**
 * The folders a message can be in: the server's mailbox and the browser's mail client read the same
 * list.
 */
export const MAIL_FOLDERS = ['inbox', 'drafts', 'sent', 'archive', 'spam', 'trash'] as const;

export type MailFolder = (typeof MAIL_FOLDERS)[number];

export const isMailFolder = (value: string): value is MailFolder => (MAIL_FOLDERS as readonly string[]).includes(value);

/**
 * Where the client may move mail by hand. Drafts and Sent copies are only made by compose
 * (compose.saveDraft, compose.scheduleInternal), which checks they are encrypted to their owner.
 */
export const MOVE_TARGETS = ['inbox', 'archive', 'spam', 'trash'] as const;

/** A folder of the user's own is named by its id (a UUID); its name is ciphertext, like a label's. */
export const OWN_FOLDER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
