'use client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { Dialog } from '@/app/components/dialog';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { formatBytes, formatTime } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { UserLimitsForm } from './user-limits-form';

type AdminUser = inferRouterOutputs<AppRouter>['admin']['users'][number];

/** Users: searchable list with storage and activity; disable, enable, promote, demote, limits, delete. */
export function UsersPanel({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<AdminUser | null>(null);
  const users = useQuery({ ...trpc.admin.users.queryOptions({ search: search.trim() || undefined, limit: 200 }), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
  const options = { onSuccess: refresh };
  const disable = useMutation(trpc.admin.disableUser.mutationOptions(options));
  const enable = useMutation(trpc.admin.enableUser.mutationOptions(options));
  const promote = useMutation(trpc.admin.promoteUser.mutationOptions(options));
  const demote = useMutation(trpc.admin.demoteUser.mutationOptions(options));
  const remove = useMutation(
    trpc.admin.deleteUser.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await refresh();
      },
    }),
  );
  const failed = [disable, enable, promote, demote].find((m) => m.isError);
  const busy = (m: { isPending: boolean; variables?: { userId: string } }, id: string) => m.isPending && m.variables?.userId === id;

  return (
    <section aria-labelledby="users-heading" className="space-y-3">
      <h2 id="users-heading" className="sr-only">
        Users
      </h2>
      <TextField
        label="Search users"
        type="search"
        value={search}
        placeholder="Part of a username"
        onChange={(e) => setSearch(e.target.value)}
        className="max-w-sm"
      />
      {failed ? <Alert>{errorMessage(failed.error)}</Alert> : null}
      {users.isPending ? <Spinner label="Loading users…" /> : null}
      {users.isError ? <Alert>{errorMessage(users.error)}</Alert> : null}
      {users.data ? (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">Address</th>
                <th className="px-3 py-2">Created</th>
                <th className="px-3 py-2">Last seen</th>
                <th className="px-3 py-2">Messages</th>
                <th className="px-3 py-2">Storage</th>
                <th className="px-3 py-2">2FA</th>
                <th className="px-3 py-2">Role</th>
                <th className="px-3 py-2">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.data.length === 0 ? (
                <tr>
                  <td colSpan={8} className="px-3 py-4 text-slate-600">
                    No user matches “{search}”.
                  </td>
                </tr>
              ) : null}
              {users.data.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  self={u.id === currentUserId}
                  editing={editing === u.id}
                  onEdit={() => setEditing(editing === u.id ? null : u.id)}
                  onDisable={() => disable.mutate({ userId: u.id })}
                  onEnable={() => enable.mutate({ userId: u.id })}
                  onPromote={() => promote.mutate({ userId: u.id })}
                  onDemote={() => demote.mutate({ userId: u.id })}
                  onDelete={() => setDeleting(u)}
                  busy={busy(disable, u.id) || busy(enable, u.id) || busy(promote, u.id) || busy(demote, u.id)}
                  onSaved={refresh}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deleting ? (
        <Dialog
          title={`Delete ${deleting.address}?`}
          description="Their messages, keys, addresses, aliases, domains and sessions are deleted for good. The username can't be registered again for a while."
          onClose={() => setDeleting(null)}
        >
          {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
          <div className="mt-3 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button variant="danger" loading={remove.isPending} onClick={() => remove.mutate({ userId: deleting.id })}>
              Delete account
            </Button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}

function UserRow(props: {
  user: AdminUser;
  self: boolean;
  editing: boolean;
  busy: boolean;
  onEdit: () => void;
  onDisable: () => void;
  onEnable: () => void;
  onPromote: () => void;
  onDemote: () => void;
  onDelete: () => void;
  onSaved: () => void;
}) {
  const { user: u } = props;
  return (
    <>
      <tr data-testid={`user-row-${u.username}`} className={u.disabled ? 'bg-slate-50 text-slate-500' : undefined}>
        <td className="px-3 py-2 font-medium">
          {u.address}
          {props.self ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
        </td>
        <td className="whitespace-nowrap px-3 py-2">{formatTime(u.createdAt)}</td>
        <td className="whitespace-nowrap px-3 py-2">{formatTime(u.lastSeenAt, 'never')}</td>
        <td className="px-3 py-2">{u.messageCount}</td>
        <td className="whitespace-nowrap px-3 py-2">
          {formatBytes(u.storageBytes)}
          {u.quotaBytes !== null ? <span className="text-slate-500"> / {u.quotaBytes === 0 ? 'no limit' : formatBytes(u.quotaBytes)}</span> : null}
        </td>
        <td className="px-3 py-2">{u.twoFactor === null ? '—' : u.twoFactor === 'on' ? 'On' : 'Off'}</td>
        <td className="px-3 py-2">
          {u.isAdmin ? 'Admin' : 'User'}
          {u.disabled ? <span className="ml-1 rounded bg-slate-200 px-1.5 py-0.5 text-xs">Disabled</span> : null}
        </td>
        <td className="px-3 py-2">
          <fieldset className="flex flex-wrap gap-1" aria-label={`Actions for ${u.username}`}>
            {u.disabled ? (
              <Button variant="secondary" className="px-2 py-1" disabled={props.busy} onClick={props.onEnable}>
                Enable
              </Button>
            ) : (
              <Button variant="secondary" className="px-2 py-1" disabled={props.busy || props.self || u.isAdmin} onClick={props.onDisable}>
                Disable
              </Button>
            )}
            {u.isAdmin ? (
              <Button variant="secondary" className="px-2 py-1" disabled={props.busy} onClick={props.onDemote}>
                Demote
              </Button>
            ) : (
              <Button variant="secondary" className="px-2 py-1" disabled={props.busy || u.disabled} onClick={props.onPromote}>
                Promote
              </Button>
            )}
            <Button variant="secondary" className="px-2 py-1" aria-expanded={props.editing} onClick={props.onEdit}>
              Limits
            </Button>
            <Button variant="danger" className="px-2 py-1" disabled={props.self} onClick={props.onDelete}>
              Delete
            </Button>
          </fieldset>
        </td>
      </tr>
      {props.editing ? (
        <tr>
          <td colSpan={8} className="bg-slate-50 px-3 py-3">
            <UserLimitsForm user={u} onSaved={props.onSaved} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
