import 'server-only';
import { randomUUID } from 'node:crypto';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import type { Db } from '../../db/client';
import {
  deleteTemplate,
  findTemplate,
  findTemplateVersion,
  insertTemplate,
  listTemplateVersions,
  listTemplates,
  updateTemplate,
} from '../../db/repositories/template.repository';
import type { TemplateRow } from '../../db/platform-schema';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/** Handlebars with no helpers of ours: `{{x}}` is HTML-escaped, `{{{x}}}` is the author's explicit choice. */
const engine = Handlebars.create();

export interface Template {
  id: string;
  name: string;
  version: number;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: string;
  updated_at: string;
}

export function rowToTemplate(row: TemplateRow): Template {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    subject: row.subject,
    html: row.html,
    text: row.text,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface TemplateContent {
  subject: string;
  html?: string | null;
  text?: string | null;
}

type Compiled = (vars: Record<string, unknown>) => string;
// Compiled templates by id@version (a version never changes once written).
const compiled = new Map<string, { subject: Compiled; html: Compiled | null; text: Compiled | null }>();
const MAX_COMPILED = 500;

function compile(source: string, escapeHtml: boolean): Compiled {
  const fn = engine.compile(source, { noEscape: !escapeHtml, strict: false });
  return (vars) => fn(vars, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}

/** Checks that each part parses, so a broken template is refused when saved rather than when used. */
function checkSyntax(content: TemplateContent): void {
  for (const [field, source] of [
    ['subject', content.subject],
    ['html', content.html],
    ['text', content.text],
  ] as const) {
    if (!source) continue;
    try {
      engine.precompile(source);
    } catch (err) {
      throw new AppError('BAD_INPUT', `${field}: ${(err as Error).message.split('\n')[0]}`, { field });
    }
  }
  if (!content.html && !content.text) throw new AppError('BAD_INPUT', 'A template needs html or text.', { field: 'html' });
}

export interface Rendered {
  subject: string;
  html: string | null;
  text: string;
}

/**
 * Renders a template: HTML variables are escaped (Handlebars' default), the subject and text part
 * are not (they aren't HTML). Without a text part, one is made from the rendered HTML.
 */
export function renderContent(key: string | null, content: TemplateContent, vars: Record<string, unknown>): Rendered {
  let fns = key ? compiled.get(key) : undefined;
  if (!fns) {
    fns = {
      subject: compile(content.subject, false),
      html: content.html ? compile(content.html, true) : null,
      text: content.text ? compile(content.text, false) : null,
    };
    if (key) {
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, fns);
    }
  }
  try {
    const html = fns.html ? fns.html(vars) : null;
    const text = fns.text ? fns.text(vars) : htmlToText(html ?? '');
    return { subject: fns.subject(vars).replace(/[\r\n]+/g, ' '), html, text };
  } catch (err) {
    throw new AppError('BAD_INPUT', `The template could not be rendered: ${(err as Error).message.split('\n')[0]}`, { field: 'variables' });
  }
}

export function htmlToText(html: string): string {
  return convert(html, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
}

export async function createTemplate(db: Db, clock: Clock, domain: string, input: TemplateContent & { name: string }): Promise<Template> {
  checkSyntax(input);
  const now = clock.now();
  const row = await insertTemplate(db, {
    id: randomUUID(),
    domain,
    name: input.name,
    version: 1,
    subject: input.subject,
    html: input.html ?? null,
    text: input.text ?? null,
    created_at: now,
    updated_at: now,
  });
  if (!row) throw new AppError('BAD_INPUT', `A template named ${input.name} already exists.`, { field: 'name' });
  return rowToTemplate(row);
}

export async function getTemplate(db: Db, domain: string, idOrName: string): Promise<Template> {
  const row = await findTemplate(db, domain, idOrName);
  if (!row) throw new AppError('NOT_FOUND', 'That template does not exist.');
  return rowToTemplate(row);
}

export async function listDomainTemplates(db: Db, domain: string): Promise<Template[]> {
  return (await listTemplates(db, domain)).map(rowToTemplate);
}

export async function changeTemplate(db: Db, clock: Clock, domain: string, idOrName: string, input: TemplateContent): Promise<Template> {
  checkSyntax(input);
  const existing = await getTemplate(db, domain, idOrName);
  const row = await updateTemplate(db, domain, existing.id, { subject: input.subject, html: input.html ?? null, text: input.text ?? null }, clock.now());
  if (!row) throw new AppError('NOT_FOUND', 'That template does not exist.');
  return rowToTemplate(row);
}

export async function removeTemplate(db: Db, domain: string, idOrName: string): Promise<void> {
  const existing = await getTemplate(db, domain, idOrName);
  await deleteTemplate(db, domain, existing.id);
}

export async function templateVersions(db: Db, domain: string, idOrName: string) {
  const existing = await getTemplate(db, domain, idOrName);
  return (await listTemplateVersions(db, existing.id)).map((v) => ({
    version: v.version,
    subject: v.subject,
    html: v.html,
    text: v.text,
    created_at: v.created_at.toISOString(),
  }));
}

/** What a template (its current version, or `version`) renders to with `vars`. */
export async function previewTemplate(db: Db, domain: string, idOrName: string, vars: Record<string, unknown>, version?: number): Promise<Rendered> {
  const existing = await getTemplate(db, domain, idOrName);
  if (version && version !== existing.version) {
    const old = await findTemplateVersion(db, existing.id, version);
    if (!old) throw new AppError('NOT_FOUND', `Version ${version} of that template does not exist.`);
    return renderContent(`${existing.id}@${version}`, old, vars);
  }
  return renderContent(`${existing.id}@${existing.version}`, existing, vars);
}
