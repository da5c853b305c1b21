'use client';

/** The mail client. Issue 3 fills in folders, the message list and the reading pane. */
export function Mailbox() {
  return (
    <main className="flex-1 overflow-auto p-4">
      <h1 className="text-xl font-semibold">Inbox</h1>
      <p className="mt-6 text-sm text-slate-600">No messages yet.</p>
    </main>
  );
}
