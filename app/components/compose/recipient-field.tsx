'use client';
import { type ClipboardEvent, type KeyboardEvent, useId, useRef, useState } from 'react';
import { type Correspondent, suggest } from '@/app/lib/compose/contacts';
import { type Recipient, type RecipientKind, parseRecipients } from '@/app/lib/compose/recipients';
import { CloseIcon, LockIcon, OpenLockIcon, WarningIcon } from '../mail/icons';

/**
 * One of To, Cc, Bcc: chips for the recipients, and a text box that makes chips on comma, Enter,
 * Tab or blur, with suggestions from past correspondents (an ARIA combobox). Backspace in an empty
 * box removes the last chip. Each chip says how the message will reach that person.
 */
export function RecipientField({
  label,
  recipients,
  onChange,
  kinds,
  correspondents,
  exclude,
  mailDomain,
  autoFocus,
}: {
  label: string;
  recipients: Recipient[];
  onChange: (next: Recipient[]) => void;
  kinds: Map<string, RecipientKind>;
  correspondents: Correspondent[];
  exclude: string[];
  mailDomain: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const listId = `${id}-suggestions`;
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const suggestions = suggest(text, correspondents, exclude);
  const open = suggestions.length > 0 && !dismissed;

  const add = (added: Recipient[]) => {
    const seen = new Set([...exclude, ...recipients.map((r) => r.address)].map((a) => a.toLowerCase()));
    const fresh = added.filter((r) => !seen.has(r.address.toLowerCase()) && (seen.add(r.address.toLowerCase()), true));
    if (fresh.length) onChange([...recipients, ...fresh]);
    setText('');
    setActive(0);
  };
  const commitText = () => {
    if (text.trim()) add(parseRecipients(text, mailDomain));
  };
  const choose = (c: Correspondent) => add([{ name: c.name, address: c.address, error: null }]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
    } else if (['Enter', 'Tab', ',', ';'].includes(event.key) && text.trim()) {
      event.preventDefault();
      const picked = open && (event.key === 'Enter' || event.key === 'Tab') ? suggestions[active] : undefined;
      if (picked) choose(picked);
      else commitText();
    } else if (event.key === 'Backspace' && !text && recipients.length) {
      onChange(recipients.slice(0, -1));
    } else if (event.key === 'Escape' && open) {
      // Close the suggestions, not the compose window.
      event.stopPropagation();
      event.preventDefault();
      setDismissed(true);
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    if (/[,;\n]/.test(pasted)) {
      event.preventDefault();
      add(parseRecipients(text + pasted, mailDomain));
    }
  };

  const errors = recipients.filter((r) => r.error || kinds.get(r.address.toLowerCase())?.kind === 'invalid');

  return (
    <div className="flex items-start gap-2 border-b border-slate-200 py-1">
      <label htmlFor={id} className="w-12 shrink-0 pt-2 text-sm text-slate-500">
        {label}
      </label>
      <div className="min-w-0 flex-1">
        <ul className="flex flex-wrap items-center gap-1" aria-label={`${label} recipients`}>
          {recipients.map((r) => (
            <li key={r.address.toLowerCase()}>
              <Chip recipient={r} kind={kinds.get(r.address.toLowerCase())} onRemove={() => onChange(recipients.filter((x) => x !== r))} />
            </li>
          ))}
          <li className="relative min-w-[10rem] flex-1">
            <input
              ref={input}
              id={id}
              type="text"
              inputMode="email"
              autoComplete="off"
              autoFocus={autoFocus}
              role="combobox"
              aria-expanded={open}
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={open ? `${listId}-${active}` : undefined}
              aria-invalid={errors.length ? true : undefined}
              aria-describedby={errors.length ? `${id}-errors` : undefined}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setActive(0);
                setDismissed(false);
              }}
              onKeyDown={onKeyDown}
              onPaste={onPaste}
              onBlur={() => commitText()}
              className="w-full border-0 bg-transparent px-1 py-1.5 text-sm focus:outline-none focus:ring-0"
            />
            {open ? (
              <ul
                id={listId}
                role="listbox"
                aria-label={`Suggestions for ${label}`}
                className="absolute left-0 top-full z-20 mt-1 w-80 max-w-[90vw] overflow-hidden rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
              >
                {suggestions.map((c, i) => (
                  <li
                    key={c.address}
                    id={`${listId}-${i}`}
                    role="option"
                    aria-selected={i === active}
                    // mousedown, not click: the input's blur must not run first and turn the text into a chip.
                    onMouseDown={(e) => {
                      e.preventDefault();
                      choose(c);
                    }}
                    className={`cursor-pointer px-3 py-1.5 text-sm ${i === active ? 'bg-brand-50' : ''}`}
                  >
                    {c.name ? <span className="font-medium">{c.name} </span> : null}
                    <span className="text-slate-500">{c.address}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        </ul>
        {errors.length ? (
          <ul id={`${id}-errors`} className="mt-1 space-y-0.5 text-xs text-red-700">
            {errors.map((r) => {
              const kind = kinds.get(r.address.toLowerCase());
              return <li key={r.address}>{r.error ?? `${r.address}: ${kind?.kind === 'invalid' ? kind.reason : ''}`}</li>;
            })}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

function Chip({ recipient, kind, onRemove }: { recipient: Recipient; kind: RecipientKind | undefined; onRemove: () => void }) {
  const bad = recipient.error !== null || kind?.kind === 'invalid';
  const how = bad
    ? 'cannot be sent to'
    : !kind
      ? 'checking…'
      : kind.kind === 'internal'
        ? 'on this server, end-to-end encrypted'
        : kind.kind === 'external-pgp'
          ? `OpenPGP key (${kind.source === 'pinned' ? 'pinned' : 'Web Key Directory'}), end-to-end encrypted`
          : 'another server, not end-to-end encrypted';
  const label = recipient.name ? `${recipient.name} <${recipient.address}>` : recipient.address;
  return (
    <span
      data-testid="recipient-chip"
      data-kind={bad ? 'invalid' : (kind?.kind ?? 'pending')}
      title={`${label}: ${how}`}
      className={`inline-flex max-w-full items-center gap-1 rounded-full border py-0.5 pl-2 pr-1 text-sm ${
        bad ? 'border-red-300 bg-red-50 text-red-800' : 'border-slate-200 bg-slate-100 text-slate-800'
      }`}
    >
      {bad ? (
        <WarningIcon className="h-3.5 w-3.5" />
      ) : kind?.kind === 'internal' || kind?.kind === 'external-pgp' ? (
        <LockIcon className="h-3.5 w-3.5 text-emerald-700" />
      ) : kind ? (
        <OpenLockIcon className="h-3.5 w-3.5 text-slate-500" />
      ) : null}
      <span className="truncate">{recipient.name || recipient.address}</span>
      <span className="sr-only">({how})</span>
      <button type="button" onClick={onRemove} aria-label={`Remove ${recipient.address}`} className="rounded-full p-0.5 hover:bg-slate-200">
        <CloseIcon className="h-3 w-3" />
      </button>
    </span>
  );
}
