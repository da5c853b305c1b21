'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

interface Draft {
  id?: string;
  name: string;
  subject: string;
  html: string;
  text: string;
}
const EMPTY: Draft = { name: '', subject: '', html: '', text: '' };

/** Template editor with a preview rendered by the server (the same Handlebars as sending). */
export function TemplatesTab({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const templates = useQuery(trpc.platform.templates.queryOptions({ domain }));
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [variables, setVariables] = useState('{\n  "name": "Ann"\n}');
  const [varsError, setVarsError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platform.templates.queryKey({ domain }) });
  const save = useMutation(
    trpc.platform.saveTemplate.mutationOptions({
      onSuccess: (t) => (setDraft({ id: t.id, name: t.name, subject: t.subject, html: t.html ?? '', text: t.text ?? '' }), refresh()),
    }),
  );
  const remove = useMutation(trpc.platform.deleteTemplate.mutationOptions({ onSuccess: () => (setDraft(EMPTY), refresh()) }));
  const preview = useMutation(trpc.platform.previewTemplate.mutationOptions());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ domain, ...draft });
  };
  const runPreview = () => {
    if (!draft.id) return;
    try {
      const parsed = JSON.parse(variables || '{}') as Record<string, unknown>;
      setVarsError(null);
      preview.mutate({ domain, id: draft.id, variables: parsed });
    } catch {
      setVarsError('Variables must be a JSON object, such as {"name": "Ann"}.');
    }
  };
  const field = (key: keyof Draft) => ({
    value: draft[key] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });

  return (
    <div className="grid gap-4 md:grid-cols-[14rem_1fr]">
      <div>
        <Button variant="secondary" onClick={() => (setDraft(EMPTY), preview.reset())} className="mb-2 w-full">
          New template
        </Button>
        {templates.isPending ? <Spinner label="Loading…" /> : null}
        {templates.isError ? <Alert>{errorMessage(templates.error)}</Alert> : null}
        <ul aria-label="Templates" className="space-y-1">
          {templates.data?.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                aria-current={draft.id === t.id ? 'true' : undefined}
                className={`w-full rounded-lg px-3 py-2 text-left text-sm ${draft.id === t.id ? 'bg-brand-50 text-brand-700' : 'hover:bg-slate-100'}`}
                onClick={() => (setDraft({ id: t.id, name: t.name, subject: t.subject, html: t.html ?? '', text: t.text ?? '' }), preview.reset())}
              >
                {t.name} <span className="text-xs text-slate-500">v{t.version}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="space-y-4">
        <form onSubmit={submit} className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4" aria-label="Template editor">
          <TextField
            label="Name"
            {...field('name')}
            required
            disabled={Boolean(draft.id)}
            hint="Letters, digits, _ . - ; used as template_id."
            pattern="[\w.\-]+"
          />
          <TextField label="Subject" {...field('subject')} required hint="Handlebars: {{name}}" />
          <div>
            <label htmlFor={`${ids}-html`} className="block text-sm font-medium text-slate-700">
              HTML
            </label>
            <textarea
              id={`${ids}-html`}
              {...field('html')}
              rows={8}
              className="mt-1 block w-full rounded-lg border border-slate-300 p-2 font-mono text-xs"
              aria-describedby={`${ids}-html-hint`}
            />
            <p id={`${ids}-html-hint`} className="mt-1 text-xs text-slate-600">
              {'{{x}}'} is HTML-escaped; {'{{{x}}}'} inserts it as is.
            </p>
          </div>
          <div>
            <label htmlFor={`${ids}-text`} className="block text-sm font-medium text-slate-700">
              Text (optional: made from the HTML when empty)
            </label>
            <textarea id={`${ids}-text`} {...field('text')} rows={4} className="mt-1 block w-full rounded-lg border border-slate-300 p-2 font-mono text-xs" />
          </div>
          {save.isError ? <Alert>{errorMessage(save.error)}</Alert> : null}
          {save.isSuccess ? <Alert tone="success">Saved as version {save.data.version}.</Alert> : null}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" loading={save.isPending}>
              {draft.id ? 'Save new version' : 'Create template'}
            </Button>
            {draft.id ? (
              <Button type="button" variant="danger" loading={remove.isPending} onClick={() => remove.mutate({ domain, id: draft.id! })}>
                Delete
              </Button>
            ) : null}
          </div>
        </form>
        {draft.id ? (
          <section aria-label="Preview" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
            <h2 className="font-semibold">Preview</h2>
            <div>
              <label htmlFor={`${ids}-vars`} className="block text-sm font-medium text-slate-700">
                Variables (JSON)
              </label>
              <textarea
                id={`${ids}-vars`}
                value={variables}
                onChange={(e) => setVariables(e.target.value)}
                rows={4}
                aria-invalid={varsError ? true : undefined}
                className="mt-1 block w-full rounded-lg border border-slate-300 p-2 font-mono text-xs"
              />
              {varsError ? <p className="mt-1 text-sm text-red-700">{varsError}</p> : null}
            </div>
            <Button variant="secondary" onClick={runPreview} loading={preview.isPending}>
              Preview
            </Button>
            {preview.isError ? <Alert>{errorMessage(preview.error)}</Alert> : null}
            {preview.data ? (
              <div className="space-y-2 text-sm" data-testid="template-preview">
                <p>
                  <span className="font-medium">Subject:</span> {preview.data.subject}
                </p>
                {/* Rendered in a sandboxed frame with no scripts: the template is the owner's HTML. */}
                {preview.data.html ? (
                  <iframe title="HTML preview" sandbox="" srcDoc={preview.data.html} className="h-48 w-full rounded border border-slate-200 bg-white" />
                ) : null}
                <pre className="whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs">{preview.data.text}</pre>
              </div>
            ) : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}
