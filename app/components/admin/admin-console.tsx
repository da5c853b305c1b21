'use client';
import { type KeyboardEvent, useState } from 'react';
import { AuditPanel } from './audit-panel';
import { PolicyPanel } from './policy-panel';
import { QueuePanel } from './queue-panel';
import { StatusPanel } from './status-panel';
import { UsersPanel } from './users-panel';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'registration', label: 'Registration' },
  { id: 'queue', label: 'Outbound queue' },
  { id: 'audit', label: 'Audit log' },
  { id: 'status', label: 'Status' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** The admin console: one tab per area, arrow keys move between tabs. */
export function AdminConsole({ currentUserId }: { currentUserId: string }) {
  const [tab, setTab] = useState<TabId>('users');
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next.id);
    document.getElementById(`admin-tab-${next.id}`)?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label="Administration" className="flex flex-wrap gap-1 border-b border-slate-200" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`admin-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`admin-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            className={`rounded-t-lg px-3 py-2 text-sm font-medium ${tab === t.id ? 'border-b-2 border-brand-600 text-brand-700' : 'text-slate-600 hover:bg-slate-100'}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} className="pt-4">
        {tab === 'users' ? <UsersPanel currentUserId={currentUserId} /> : null}
        {tab === 'registration' ? <PolicyPanel /> : null}
        {tab === 'queue' ? <QueuePanel /> : null}
        {tab === 'audit' ? <AuditPanel /> : null}
        {tab === 'status' ? <StatusPanel /> : null}
      </div>
    </div>
  );
}
