'use client';
import type { BuiltInView, MailView } from '@/app/lib/mail/use-mail-route';
import { ArchiveIcon, ClockIcon, DraftIcon, InboxIcon, SendIcon, SpamIcon, TrashIcon } from './icons';

export const FOLDER_NAMES: Record<BuiltInView, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sent: 'Sent',
  trash: 'Trash',
  scheduled: 'Scheduled',
  archive: 'Archive',
  spam: 'Spam',
};
const VIEWS: BuiltInView[] = ['inbox', 'drafts', 'sent', 'scheduled', 'archive', 'spam', 'trash'];
const FOLDER_ICONS: Record<BuiltInView, typeof InboxIcon> = {
  inbox: InboxIcon,
  drafts: DraftIcon,
  sent: SendIcon,
  scheduled: ClockIcon,
  archive: ArchiveIcon,
  spam: SpamIcon,
  trash: TrashIcon,
};

export function FolderNav({
  current,
  unread,
  onSelect,
}: {
  current: MailView;
  unread: Partial<Record<MailView, number>>;
  onSelect: (folder: MailView) => void;
}) {
  return (
    <nav aria-label="Folders">
      {/* On a phone the folders wrap onto a second line rather than scroll out of sight ("Schedu…"). */}
      <ul className="flex flex-wrap gap-1 md:flex-col md:flex-nowrap">
        {VIEWS.map((folder) => {
          const Icon = FOLDER_ICONS[folder];
          const count = unread[folder] ?? 0;
          const active = folder === current;
          return (
            <li key={folder}>
              <button
                type="button"
                aria-current={active ? 'page' : undefined}
                onClick={() => onSelect(folder)}
                className={`flex w-full items-center gap-1.5 whitespace-nowrap rounded-lg px-2 py-2 text-sm md:gap-2 md:px-3 ${
                  active ? 'bg-brand-50 font-semibold text-brand-700' : 'text-slate-700 hover:bg-slate-100'
                }`}
              >
                <Icon />
                {FOLDER_NAMES[folder]}
                {(folder === 'inbox' || folder === 'spam') && count > 0 ? (
                  <>
                    <span className="ml-auto rounded-full bg-brand-600 px-2 text-xs font-semibold text-white" aria-hidden="true">
                      {count}
                    </span>
                    <span className="sr-only"> ({count} unread)</span>
                  </>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
