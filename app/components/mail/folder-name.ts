'use client';
import { useLabels } from '@/app/lib/mail/use-organize';
import { type MailView, isOwnFolder } from '@/app/lib/mail/use-mail-route';
import { FOLDER_NAMES } from './folder-nav';

/** A view's name: a built-in folder's own, or a folder of the user's own as decrypted in this tab. */
export function useFolderName(folder: MailView): string {
  const labels = useLabels();
  if (!isOwnFolder(folder)) return FOLDER_NAMES[folder];
  return labels.data?.find((l) => l.id === folder)?.name ?? (labels.isPending ? 'Folder' : 'Folder not found');
}
