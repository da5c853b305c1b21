'use client';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { useConversationSetting } from '@/app/lib/conversations/use-conversations';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import type { MailRoute } from '@/app/lib/mail/use-mail-route';
import type { MailFolder } from '@/mime/folders';
import { FolderPanel } from '../mail/folder-panel';
import { ConversationPanel } from './conversation-panel';

/** A folder as conversations, unless the setting turned them off (Drafts is always a plain list). */
export function MailPanel(props: {
  route: MailRoute & { folder: MailFolder };
  onOpenDraft: (id: string) => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
}) {
  const [conversations] = useConversationSetting();
  if (conversations && props.route.folder !== 'drafts') return <ConversationPanel route={props.route} onReply={props.onReply} />;
  return <FolderPanel {...props} />;
}
