'use client';
import { useState } from 'react';
import { Alert, Button } from '@/app/components/ui';
import { checkedAuth } from '@/app/lib/mail/auth-results';
import { formatFullDate } from '@/app/lib/mail/format';
import type { MailAddress, ParsedMessage } from '@/app/lib/mail/parse-message';
import { subjectLabel } from '@/app/lib/mail/summary-reader';
import { type OriginResult, spoofedFrom } from '@/app/lib/mail/origin';
import type { MessageSummary } from '@/mime/summary';
import { AddSenderToContacts } from '../contacts/add-sender';
import { AttachmentList } from './attachment-list';
import { AuthBadges } from './auth-badges';
import { HtmlBody } from './html-body';
import { PlainTextBody } from './plain-text-body';

export function MessageView({
  message,
  summary,
  origin,
  senderEncrypted,
}: {
  message: ParsedMessage;
  summary: MessageSummary | undefined;
  origin: OriginResult;
  /** The sender encrypted it with OpenPGP (PGP/MIME) before it reached the server. */
  senderEncrypted?: 'opened' | 'unreadable';
}) {
  const [view, setView] = useState<'html' | 'text'>(message.html ? 'html' : 'text');
  const auth = checkedAuth({ summaryAuth: summary?.auth, header: message.authenticationResults, internalOrigin: origin !== null });
  const spoofed = spoofedFrom(message.from, origin);
  const date = formatFullDate(message.date);
  return (
    <article className="space-y-4 p-4 md:p-6">
      <header className="space-y-2">
        <h2 className="break-words text-xl font-semibold">{subjectLabel(message.subject)}</h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          <AddressLine label="From" list={message.from} />
          <AddressLine label="To" list={message.to} />
          <AddressLine label="Cc" list={message.cc} />
          {date ? (
            <>
              <dt className="text-slate-500">Date</dt>
              <dd>{date}</dd>
            </>
          ) : null}
        </dl>
        <AddSenderToContacts sender={message.from[0]} />
        {auth ? <AuthBadges auth={auth} /> : null}
        {origin && origin !== 'invalid' ? (
          <p className="inline-flex rounded-full border border-emerald-200 bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800" data-testid="internal-origin">
            Sent by {origin.from} on this server
          </p>
        ) : null}
        {senderEncrypted === 'opened' ? (
          <p className="inline-flex rounded-full border border-emerald-200 bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800" data-testid="sender-encrypted">
            Encrypted end to end by the sender (OpenPGP)
          </p>
        ) : null}
        {senderEncrypted === 'unreadable' ? (
          <Alert tone="warning">The sender encrypted this message with OpenPGP, but not to your key, so Sealpost can't open it.</Alert>
        ) : null}
        {origin === 'invalid' ? <Alert tone="warning">Sealpost could not confirm who sent this message.</Alert> : null}
        {origin && origin !== 'invalid' && spoofed ? (
          <Alert tone="warning">
            This message says it is from {spoofed}, but it was sent by {origin.from}.
          </Alert>
        ) : null}
      </header>

      {message.hasInlinePgp ? (
        <Alert tone="info">This message quotes a PGP block. Sealpost shows it as text and never decrypts such blocks by itself.</Alert>
      ) : null}

      {message.html && message.text ? (
        <div className="flex gap-2 text-sm" role="group" aria-label="How to show the message">
          <Button variant={view === 'html' ? 'secondary' : 'ghost'} aria-pressed={view === 'html'} onClick={() => setView('html')}>
            Formatted
          </Button>
          <Button variant={view === 'text' ? 'secondary' : 'ghost'} aria-pressed={view === 'text'} onClick={() => setView('text')}>
            Plain text
          </Button>
        </div>
      ) : null}

      {view === 'html' && message.html ? (
        <HtmlBody html={message.html} attachments={message.attachments} />
      ) : message.text ? (
        <PlainTextBody text={message.text} />
      ) : (
        <p className="text-sm text-slate-500">This message has no text.</p>
      )}

      <AttachmentList attachments={message.attachments.filter((a) => !a.inline)} />
    </article>
  );
}

function AddressLine({ label, list }: { label: string; list: MailAddress[] }) {
  if (list.length === 0) return null;
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words">
        {list.map((a, i) => (
          <span key={i}>
            {i > 0 ? ', ' : null}
            {a.name ? (
              <>
                <span className="font-medium">{a.name}</span> <span className="text-slate-500">&lt;{a.address}&gt;</span>
              </>
            ) : (
              <span className="font-medium">{a.address}</span>
            )}
          </span>
        ))}
      </dd>
    </>
  );
}
