'use client';
import { useConversationSetting } from '@/app/lib/conversations/use-conversations';

/** Settings: group the mailbox by conversation, or list every message on its own. */
export function ConversationSetting() {
  const [on, set] = useConversationSetting();
  return (
    <section aria-labelledby="conversation-view-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="conversation-view-heading" className="font-medium">
        Conversation view
      </h2>
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={on} onChange={(event) => set(event.target.checked)} />
        Group messages into conversations
      </label>
      <p className="mt-1 text-sm text-slate-600">Saved in this browser. Turned off, every message is its own row.</p>
    </section>
  );
}
