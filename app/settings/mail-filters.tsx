'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { useLabels } from '@/app/lib/mail/use-organize';
import { resumeSession } from '@/app/lib/auth-flows';
import { errorMessage, useTRPC, useTRPCClient } from '@/app/lib/trpc';
import { type FilterAction, type FilterField, type FilterFolder, MAX_FILTER_TEXT } from '@/mime/mail-filter';

const FIELD_LABELS: Record<FilterField, string> = {
  from: 'From contains',
  to: 'To or Cc contains',
  subject: 'Subject contains',
  has_attachment: 'Has an attachment',
};
const ACTION_LABELS: Record<FilterAction, string> = { move: 'Move to', label: 'Label as', mark_read: 'Mark as read', discard: 'Discard' };
const FOLDER_LABELS: Record<FilterFolder, string> = { inbox: 'Inbox', spam: 'Spam', trash: 'Trash' };

const inputClass = 'rounded-lg border border-slate-300 px-3 py-2 text-sm';

/**
 * The user's own filter rules: applied by the server when mail arrives (see the note). Label names
 * are ciphertext: this page may be the first one opened in the tab, so the key is resumed (as the
 * mailbox's KeyGate does) before any name is decrypted.
 */
export function MailFilters() {
  const client = useTRPCClient();
  const resumed = useQuery({ queryKey: ['sealpost-key-resumed'], queryFn: () => resumeSession(client), staleTime: Infinity, retry: false });
  if (resumed.isPending) return <Spinner label="Unlocking your key…" />;
  return <MailFilterRules />;
}

function MailFilterRules() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const filters = useQuery(trpc.filters.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.filters.list.queryKey() });
  const add = useMutation(trpc.filters.add.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.filters.remove.mutationOptions({ onSuccess: refresh }));
  const [field, setField] = useState<FilterField>('from');
  const [contains, setContains] = useState('');
  const [action, setAction] = useState<FilterAction>('move');
  const [folder, setFolder] = useState<FilterFolder>('trash');
  // Label names are ciphertext on the server: decrypted here, as in the mailbox.
  const allLabels = useLabels();
  const labels = (allLabels.data ?? []).filter((l) => l.kind === 'label');
  const labelName = (id: string | null) => labels.find((l) => l.id === id)?.name ?? (allLabels.isPending ? '…' : '(removed label)');
  const [chosenLabel, setChosenLabel] = useState('');
  const labelId = labels.some((l) => l.id === chosenLabel) ? chosenLabel : (labels[0]?.id ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      {
        field,
        contains: field === 'has_attachment' ? '' : contains,
        action,
        folder: action === 'move' ? folder : null,
        labelId: action === 'label' ? labelId || null : null,
      },
      { onSuccess: () => setContains('') },
    );
  };

  return (
    <div className="mt-4 space-y-4">
      {filters.isPending ? <Spinner label="Loading rules…" /> : null}
      {filters.isError ? <Alert>{errorMessage(filters.error)}</Alert> : null}
      {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
      {filters.data ? (
        filters.data.length === 0 ? (
          <p className="text-sm text-slate-600">No rules yet.</p>
        ) : (
          <ul aria-label="Filter rules" className="divide-y divide-slate-100">
            {filters.data.map((rule) => (
              <li key={rule.id} className="flex items-center justify-between gap-4 py-2 text-sm">
                <span className="min-w-0 break-words">
                  {FIELD_LABELS[rule.field]}
                  {rule.field === 'has_attachment' ? '' : ` “${rule.contains}”`} → {ACTION_LABELS[rule.action]}
                  {rule.folder ? ` ${FOLDER_LABELS[rule.folder]}` : ''}
                  {rule.action === 'label' ? ` “${labelName(rule.labelId)}”` : ''}
                </span>
                <Button variant="secondary" loading={remove.isPending && remove.variables?.id === rule.id} onClick={() => remove.mutate({ id: rule.id })}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <form onSubmit={submit} aria-label="Add a rule" className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-sm">
          When
          <select className={inputClass} value={field} onChange={(e) => setField(e.target.value as FilterField)}>
            {Object.entries(FIELD_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {field === 'has_attachment' ? null : (
          <label className="flex flex-col text-sm">
            Text
            <input className={inputClass} value={contains} maxLength={MAX_FILTER_TEXT} required onChange={(e) => setContains(e.target.value)} />
          </label>
        )}
        <label className="flex flex-col text-sm">
          Then
          <select className={inputClass} value={action} onChange={(e) => setAction(e.target.value as FilterAction)}>
            {Object.entries(ACTION_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {action === 'move' ? (
          <label className="flex flex-col text-sm">
            Folder
            <select className={inputClass} value={folder} onChange={(e) => setFolder(e.target.value as FilterFolder)}>
              {Object.entries(FOLDER_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {action === 'label' ? (
          labels.length > 0 ? (
            <label className="flex flex-col text-sm">
              Label
              <select className={inputClass} value={labelId} onChange={(e) => setChosenLabel(e.target.value)}>
                {labels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          ) : allLabels.isPending ? (
            <Spinner label="Loading labels…" />
          ) : (
            <p className="text-sm text-slate-600">No labels yet: make one in the mailbox with “+ New label”.</p>
          )
        ) : null}
        <Button type="submit" loading={add.isPending} disabled={add.isPending || (action === 'label' && !labelId)}>
          Add rule
        </Button>
      </form>
      {add.isError ? <Alert>{errorMessage(add.error)}</Alert> : null}
    </div>
  );
}
