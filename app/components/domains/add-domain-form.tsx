'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, TextField } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';
import type { Domain } from './use-domain-check';

/** "Domain" + "Add domain". The server validates (IDN, duplicates); its message shows under the field. */
export function AddDomainForm({ onAdded }: { onAdded: (domain: Domain) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const add = useMutation(
    trpc.domains.add.mutationOptions({
      onSuccess: async (domain) => {
        setName('');
        queryClient.setQueryData(trpc.domains.get.queryKey({ id: domain.id }), domain);
        queryClient.setQueryData(trpc.domains.list.queryKey(), (list) => [...(list ?? []), domain].sort((a, b) => a.name.localeCompare(b.name)));
        onAdded(domain);
        await queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey() });
      },
      // The button was disabled while saving; put the person back where the error is shown.
      onError: () => inputRef.current?.focus(),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!add.isPending) add.mutate({ name });
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3 sm:flex-row sm:items-start">
      <TextField
        ref={inputRef}
        label="Domain"
        name="domain"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          if (add.isError) add.reset();
        }}
        placeholder="example.com"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={300}
        error={add.isError ? errorMessage(add.error) : null}
        hint="A domain you control. You will publish a few DNS records for it."
        className="min-w-0 flex-1"
      />
      <Button type="submit" loading={add.isPending} className="sm:mt-6">
        Add domain
      </Button>
    </form>
  );
}
