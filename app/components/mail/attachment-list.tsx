'use client';
import { Button } from '@/app/components/ui';
import { attachmentName, downloadBytes } from '@/app/lib/mail/download';
import { formatSize } from '@/app/lib/mail/format';
import type { ParsedAttachment } from '@/app/lib/mail/parse-message';
import { PaperclipIcon } from './icons';

export function AttachmentList({ attachments }: { attachments: ParsedAttachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <section aria-labelledby="attachments-heading" className="border-t border-slate-200 pt-4">
      <h3 id="attachments-heading" className="mb-2 text-sm font-semibold">
        Attachments ({attachments.length})
      </h3>
      <ul className="space-y-2">
        {attachments.map((attachment, index) => {
          const name = attachmentName(attachment, index);
          return (
            <li key={index} className="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm">
              <PaperclipIcon className="h-4 w-4 text-slate-500" />
              <span className="min-w-0 flex-1 truncate font-medium">{name}</span>
              <span className="shrink-0 text-slate-500">{formatSize(attachment.size)}</span>
              <Button variant="secondary" aria-label={`Download ${name}`} onClick={() => downloadBytes(attachment.content, name)}>
                Download
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
