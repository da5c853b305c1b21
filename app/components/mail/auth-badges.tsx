'use client';
import { Alert } from '@/app/components/ui';
import { type AuthTone, describeAuth } from '@/app/lib/mail/auth-results';
import type { SummaryAuth } from '@/mime/summary';

const TONE_STYLES: Record<AuthTone, string> = {
  pass: 'border-emerald-200 bg-emerald-50 text-emerald-800',
  fail: 'border-red-200 bg-red-50 text-red-800',
  neutral: 'border-slate-200 bg-slate-50 text-slate-700',
};

/** What the MX's SPF, DKIM, DMARC and ARC checks said about the sender. */
export function AuthBadges({ auth }: { auth: SummaryAuth }) {
  const { verdicts, warning } = describeAuth(auth);
  return (
    <div className="space-y-2">
      <ul aria-label="Sender authentication" className="flex flex-wrap gap-1.5 text-xs">
        {verdicts.map((v) => (
          <li key={v.label} className={`rounded-full border px-2 py-0.5 ${TONE_STYLES[v.tone]}`}>
            <span className="font-semibold">{v.label}</span> {v.result}
          </li>
        ))}
      </ul>
      {/* Red on purpose: failed authentication is how forgeries look. */}
      {warning ? <Alert tone="error">{warning}</Alert> : null}
    </div>
  );
}
