'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { formatTime } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

const POLICIES = [
  { value: 'open', label: 'Open', hint: 'Anyone can create an account.' },
  { value: 'invite', label: 'Invitation only', hint: 'Only people with an invitation link.' },
  { value: 'closed', label: 'Closed', hint: 'Nobody; invitation links still work.' },
] as const;

/** Registration policy, "require 2FA for everyone", and single-use invitation links. */
export function PolicyPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policies = useQuery(trpc.admin.policies.queryOptions({}));
  const invites = useQuery(trpc.admin.invites.queryOptions({}));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.policies.queryKey() });
  const setPolicy = useMutation(trpc.admin.setRegistrationPolicy.mutationOptions({ onSuccess: refresh }));
  const setTwoFactor = useMutation(trpc.admin.setRequireTwoFactor.mutationOptions({ onSuccess: refresh }));
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const refreshInvites = () => queryClient.invalidateQueries({ queryKey: trpc.admin.invites.queryKey() });
  const createInvite = useMutation(
    trpc.admin.createInvite.mutationOptions({
      onSuccess: (invite) => {
        setLink({ url: new URL(invite.path, window.location.origin).href, expiresAt: invite.expiresAt });
        void refreshInvites();
      },
    }),
  );
  const revoke = useMutation(trpc.admin.revokeInvite.mutationOptions({ onSuccess: refreshInvites }));
  const [copied, setCopied] = useState(false);

  if (policies.isPending) return <Spinner label="Loading settings…" />;
  if (policies.isError) return <Alert>{errorMessage(policies.error)}</Alert>;
  const failure = setPolicy.error ?? setTwoFactor.error;
  return (
    <div className="space-y-6">
      {failure ? <Alert>{errorMessage(failure)}</Alert> : null}
      <fieldset className="rounded-xl border border-slate-200 bg-white p-4">
        <legend className="px-1 font-medium">Who can register</legend>
        <p className="text-sm text-slate-600">The server starts with “{policies.data.registrationDefault}” (REGISTRATION); a choice here replaces it.</p>
        <div className="mt-3 space-y-2">
          {POLICIES.map((p) => (
            <label key={p.value} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="registration-policy"
                value={p.value}
                checked={(setPolicy.isPending ? setPolicy.variables.policy : policies.data.registration) === p.value}
                disabled={setPolicy.isPending}
                onChange={() => setPolicy.mutate({ policy: p.value })}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{p.label}</span> <span className="text-slate-600">— {p.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="rounded-xl border border-slate-200 bg-white p-4">
        <legend className="px-1 font-medium">Two-factor authentication</legend>
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={setTwoFactor.isPending ? setTwoFactor.variables.required : policies.data.requireTwoFactor}
            disabled={setTwoFactor.isPending}
            onChange={(e) => setTwoFactor.mutate({ required: e.target.checked })}
          />
          Require 2FA for everyone
        </label>
        <p className="mt-1 text-sm text-slate-600">
          Users without a second factor must set one up before anything else: at sign-in, or at their next step if they are signed in now.
        </p>
      </fieldset>

      <section aria-labelledby="invites-heading" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="invites-heading" className="font-medium">
          Invitations
        </h2>
        <p className="text-sm text-slate-600">A single-use link, valid for 7 days. The person chooses their own password: you never know it.</p>
        <Button className="mt-3" loading={createInvite.isPending} onClick={() => createInvite.mutate({})}>
          Create invitation link
        </Button>
        {createInvite.isError ? <Alert>{errorMessage(createInvite.error)}</Alert> : null}
        {link ? (
          <div className="mt-3 space-y-1">
            <label htmlFor="invite-link" className="block text-sm font-medium">
              Invitation link (shown once)
            </label>
            <div className="flex gap-2">
              <input
                id="invite-link"
                readOnly
                value={link.url}
                className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2 font-mono text-xs"
                onFocus={(e) => e.target.select()}
              />
              <Button
                variant="secondary"
                onClick={async () => {
                  await navigator.clipboard.writeText(link.url).catch(() => undefined);
                  setCopied(true);
                }}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            </div>
            <p className="text-xs text-slate-600">Valid until {formatTime(link.expiresAt)}.</p>
          </div>
        ) : null}
        {invites.data && invites.data.length > 0 ? (
          <ul className="mt-4 divide-y divide-slate-100 text-sm" aria-label="Recent invitations">
            {invites.data.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  Created {formatTime(i.createdAt)}
                  {i.createdBy ? ` by ${i.createdBy}` : ''} ·{' '}
                  {i.state === 'used'
                    ? `used by ${i.usedBy ?? 'a deleted account'}`
                    : i.state === 'expired'
                      ? 'expired'
                      : `open until ${formatTime(i.expiresAt)}`}
                </span>
                {i.state === 'open' ? (
                  <Button
                    variant="secondary"
                    className="px-2 py-1"
                    loading={revoke.isPending && revoke.variables?.id === i.id}
                    onClick={() => revoke.mutate({ id: i.id })}
                  >
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
