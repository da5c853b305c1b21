'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

export function DisplayNameSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.security.displayName.queryOptions());
  const [name, setName] = useState('');
  useEffect(() => {
    if (current.data) setName(current.data.displayName ?? '');
  }, [current.data]);
  const save = useMutation(
    trpc.security.setDisplayName.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.security.displayName.queryKey(), data),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ displayName: name });
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" noValidate aria-label="Display name">
      <TextField
        label="Display name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={64}
        disabled={current.isPending}
        className="min-w-0 flex-1"
        error={save.isError ? errorMessage(save.error) : null}
        hint="Shown beside your address. Leave empty for none."
      />
      <Button type="submit" variant="secondary" loading={save.isPending}>
        Save
      </Button>
      {save.isSuccess ? (
        <div className="w-full">
          <Alert tone="success">Saved.</Alert>
        </div>
      ) : null}
    </form>
  );
}
