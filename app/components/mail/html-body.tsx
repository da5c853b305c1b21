'use client';
import { useMemo, useState } from 'react';
import { Button } from '@/app/components/ui';
import { buildMessageDocument, inlineImageMap } from '@/app/lib/mail/html-sanitize';
import type { ParsedAttachment } from '@/app/lib/mail/parse-message';

/**
 * The HTML body in a frame with an opaque origin and no scripts (sandbox without allow-scripts or
 * allow-same-origin). Popups are allowed so links open in a new tab, outside the sandbox.
 */
export function HtmlBody({ html, attachments }: { html: string; attachments: ParsedAttachment[] }) {
  const [allowRemote, setAllowRemote] = useState(false);
  const inlineImages = useMemo(() => inlineImageMap(attachments), [attachments]);
  const messageDocument = useMemo(() => buildMessageDocument(html, { allowRemote, inlineImages }), [html, allowRemote, inlineImages]);
  return (
    <div className="space-y-2">
      {messageDocument.blockedRemote > 0 ? (
        <div
          className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700"
          data-testid="remote-content-notice"
        >
          <span>Remote images are hidden, so the sender can’t tell when you read this.</span>
          <Button variant="secondary" onClick={() => setAllowRemote(true)}>
            Load remote content
          </Button>
        </div>
      ) : null}
      <iframe
        title="Message content"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={messageDocument.srcdoc}
        className="h-[70vh] w-full rounded-lg border border-slate-200 bg-white"
      />
    </div>
  );
}
