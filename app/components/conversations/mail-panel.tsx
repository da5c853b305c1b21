'use client';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { useConversationSetting } from '@/app/lib/conversations/use-conversations';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import type { ListFolder, MailRoute } from '@/app/lib/mail/use-mail-route';
import { useSearchText } from '@/app/lib/search/use-search';
import { FolderPanel } from '../mail/folder-panel';
import type { useBulk } from '@/app/lib/mail/use-organize';
import { SearchPanel } from '../search/search-panel';
import { ConversationPanel } from './conversation-panel';

/** Search results while the search box has text; else a folder as conversations, unless the setting turned them off (Drafts is always a plain list). */
export function MailPanel(props: {
  route: MailRoute & { folder: ListFolder };
  onOpenDraft: (id: string) => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
  bulk: ReturnType<typeof useBulk>;
}) {
  const [conversations] = useConversationSetting();
  const [searching] = useSearchText();
  if (searching.trim()) return <SearchPanel route={props.route} onReply={props.onReply} />;
  if (conversations && props.route.folder !== 'drafts') return <ConversationPanel route={props.route} onReply={props.onReply} bulk={props.bulk} />;
  return <FolderPanel {...props} />;
}
