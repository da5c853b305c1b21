'use client';
import { useId, useState } from 'react';
import { Button } from '@/app/components/ui';

/** A local date and time for datetime-local, `minutes` from now. */
function localInputValue(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** Scheduled send: a native date-time field (the browser's own accessible picker) and a button. */
export function SchedulePicker({ busy, onSchedule, onCancel }: { busy: boolean; onSchedule: (when: Date) => void; onCancel: () => void }) {
  const id = useId();
  const [value, setValue] = useState(() => localInputValue(new Date(Date.now() + 60 * 60_000)));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-slate-50 p-2">
      <div>
        <label htmlFor={id} className="block text-xs font-medium text-slate-700">
          Send at
        </label>
        <input
          id={id}
          type="datetime-local"
          value={value}
          min={localInputValue(new Date())}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="mt-1 rounded-lg border border-slate-300 px-2 py-1.5 text-sm"
        />
      </div>
      <Button
        type="button"
        loading={busy}
        onClick={() => {
          const when = new Date(value);
          if (Number.isNaN(when.getTime())) return setError('Pick a date and time.');
          if (when.getTime() < Date.now() + 60_000) return setError('Pick a time at least a minute from now.');
          onSchedule(when);
        }}
      >
        Schedule send
      </Button>
      <Button type="button" variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      {error ? (
        <p id={`${id}-error`} role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
