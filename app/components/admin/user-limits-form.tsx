'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { parseLimit } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

const MB = 1024 * 1024;

/** A user's storage quota and sending limits; an empty field means the server's default. */
export function UserLimitsForm({ user, onSaved }: { user: { id: string; username: string; quotaBytes: number | null }; onSaved: () => void }) {
  const trpc = useTRPC();
  const limits = useQuery(trpc.admin.sendLimits.queryOptions({ userId: user.id }));
  const [quota, setQuota] = useState(user.quotaBytes === null ? '' : String(Math.round(user.quotaBytes / MB)));
  const [perHour, setPerHour] = useState('');
  const [perDay, setPerDay] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!limits.data?.custom) return;
    setPerHour(String(limits.data.perHour));
    setPerDay(String(limits.data.perDay));
  }, [limits.data]);
  const saveQuota = useMutation(trpc.admin.setQuota.mutationOptions());
  const saveLimits = useMutation(trpc.admin.setSendLimits.mutationOptions());

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const parsed = { quota: parseLimit(quota), perHour: parseLimit(perHour), perDay: parseLimit(perDay) };
    const problems = Object.fromEntries(Object.entries(parsed).flatMap(([k, v]) => (v.ok ? [] : [[k, v.error]])));
    setErrors(problems);
    if (Object.keys(problems).length > 0 || !parsed.quota.ok || !parsed.perHour.ok || !parsed.perDay.ok) return;
    await saveQuota.mutateAsync({ userId: user.id, quotaMb: parsed.quota.value });
    await saveLimits.mutateAsync({ userId: user.id, perHour: parsed.perHour.value, perDay: parsed.perDay.value });
    setSaved(true);
    onSaved();
  }

  const failure = saveQuota.error ?? saveLimits.error;
  return (
    <form onSubmit={(e) => void submit(e).catch(() => undefined)} className="grid gap-3 sm:grid-cols-4 sm:items-end" aria-label={`Limits for ${user.username}`}>
      <TextField
        label="Storage quota"
        suffix="MB"
        inputMode="numeric"
        value={quota}
        onChange={(e) => setQuota(e.target.value)}
        error={errors.quota}
        hint="Empty: the server default. 0: no limit."
      />
      <TextField
        label="Recipients per hour"
        inputMode="numeric"
        value={perHour}
        onChange={(e) => setPerHour(e.target.value)}
        error={errors.perHour}
        hint={limits.data ? `Empty: the default (${limits.data.defaultPerHour}).` : undefined}
      />
      <TextField
        label="Recipients per day"
        inputMode="numeric"
        value={perDay}
        onChange={(e) => setPerDay(e.target.value)}
        error={errors.perDay}
        hint={limits.data ? `Empty: the default (${limits.data.defaultPerDay}).` : undefined}
      />
      <div className="flex items-center gap-2">
        <Button type="submit" loading={saveQuota.isPending || saveLimits.isPending}>
          Save limits
        </Button>
        {limits.isPending ? <Spinner /> : null}
        {saved ? (
          <span role="status" className="text-sm text-green-700">
            Saved.
          </span>
        ) : null}
      </div>
      {failure ? (
        <div className="sm:col-span-4">
          <Alert>{errorMessage(failure)}</Alert>
        </div>
      ) : null}
    </form>
  );
}
