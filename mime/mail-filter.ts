import type { MessageSummary } from './summary';

/**
 * Per-user filter rules and what they do to one arriving message. The MX applies them at arrival
 * (server/mail/seal.ts), from the summary it has just built, before the copy is encrypted; the
 * settings page lists and edits them. Pure, so the rule and its test need no server.
 */
export const FILTER_FIELDS = ['from', 'to', 'subject', 'has_attachment'] as const;
export const FILTER_ACTIONS = ['move', 'label', 'mark_read', 'discard'] as const;
/** Where a rule may move mail: what the mailbox's own Move offers. */
export const FILTER_FOLDERS = ['inbox', 'spam', 'trash'] as const;

export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterAction = (typeof FILTER_ACTIONS)[number];
export type FilterFolder = (typeof FILTER_FOLDERS)[number];

export interface FilterRule {
  field: FilterField;
  /** Case-insensitive text to look for; unused for has_attachment. */
  contains: string;
  action: FilterAction;
  /** For move only. */
  folder: FilterFolder | null;
  /** For label only: the id of one of the owner's labels. */
  label?: string | null;
}

export interface Disposition {
  discard: boolean;
  /** Set when a rule moved the message. */
  folder?: FilterFolder;
  seen: boolean;
  /** Labels the rules put on it (ids), each once; absent when none did. */
  labels?: string[];
}

export const MAX_FILTERS_PER_USER = 100;
export const MAX_FILTER_TEXT = 200;

function matches(rule: FilterRule, summary: MessageSummary): boolean {
  if (rule.field === 'has_attachment') return summary.attachments.length > 0;
  const needle = rule.contains.trim().toLowerCase();
  if (!needle) return false;
  const haystack =
    rule.field === 'subject'
      ? [summary.subject ?? '']
      : (rule.field === 'from' ? summary.from : [...summary.to, ...summary.cc]).flatMap((a) => [a.name, a.address]);
  return haystack.some((text) => text.toLowerCase().includes(needle));
}

/** Every matching rule applies, in order: discard wins, the first move decides the folder, labels add up. */
export function applyFilters(rules: readonly FilterRule[], summary: MessageSummary): Disposition {
  const disposition: Disposition = { discard: false, seen: false };
  for (const rule of rules) {
    if (!matches(rule, summary)) continue;
    if (rule.action === 'discard') disposition.discard = true;
    else if (rule.action === 'mark_read') disposition.seen = true;
    else if (rule.action === 'label') {
      if (rule.label && !disposition.labels?.includes(rule.label)) disposition.labels = [...(disposition.labels ?? []), rule.label];
    } else if (rule.folder && !disposition.folder) disposition.folder = rule.folder;
  }
  return disposition;
}
