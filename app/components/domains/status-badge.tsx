import type { StatusView, Tone } from '@/app/lib/domains/domain-view';

const TONES: Record<Tone, string> = {
  neutral: 'border-slate-200 bg-slate-100 text-slate-700',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-800',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  danger: 'border-red-200 bg-red-50 text-red-800',
};

const DOTS: Record<Tone, string> = {
  neutral: 'bg-slate-400',
  success: 'bg-emerald-500',
  warning: 'bg-amber-500',
  danger: 'bg-red-500',
};

/** A status in words (the colour only repeats them); `context` is read out before the label. */
export function StatusBadge({ status, context, testId }: { status: StatusView; context?: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      title={status.description}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${TONES[status.tone]}`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${DOTS[status.tone]}`} aria-hidden="true" />
      {context ? <span className="sr-only">{context}: </span> : null}
      {status.label}
    </span>
  );
}
