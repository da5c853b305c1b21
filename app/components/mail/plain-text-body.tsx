'use client';
import { useMemo } from 'react';
import { linkify } from '@/app/lib/mail/linkify';

/** A plain-text body, its URLs clickable. Links open in a new tab and send no Referer. */
export function PlainTextBody({ text }: { text: string }) {
  // Each part keyed by where it starts in the text: stable, and unique.
  const parts = useMemo(() => {
    let at = 0;
    return linkify(text).map((part) => {
      const start = at;
      at += part.text.length;
      return { ...part, start };
    });
  }, [text]);
  return (
    <pre data-testid="message-text" className="whitespace-pre-wrap break-words font-sans text-sm leading-relaxed text-slate-900">
      {parts.map((part) =>
        part.kind === 'text' ? (
          <span key={part.start}>{part.text}</span>
        ) : (
          <a key={part.start} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="text-brand-700 underline">
            {part.text}
          </a>
        ),
      )}
    </pre>
  );
}
