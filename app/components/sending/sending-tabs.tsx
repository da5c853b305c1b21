'use client';
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { ApiKeysTab } from './api-keys-tab';
import { SendsTab } from './sends-tab';
import { StatsTab } from './stats-tab';
import { TemplatesTab } from './templates-tab';
import { WebhooksTab } from './webhooks-tab';

const TABS = [
  { id: 'keys', label: 'API keys' },
  { id: 'templates', label: 'Templates' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'stats', label: 'Stats' },
  { id: 'sends', label: 'Recent sends' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** WAI-ARIA tabs: arrow keys move between tabs, only the active one is in the tab order. */
export function SendingTabs({ domain }: { domain: string }) {
  const [active, setActive] = useState<TabId>('keys');
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, index: number) => {
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const i = (next + TABS.length) % TABS.length;
    setActive(TABS[i]!.id);
    refs.current[i]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label="Sending" className="flex gap-1 overflow-x-auto border-b border-slate-200">
        {TABS.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-${tab.id}-tab`}
            aria-controls={`${base}-${tab.id}-panel`}
            aria-selected={active === tab.id}
            tabIndex={active === tab.id ? 0 : -1}
            onClick={() => setActive(tab.id)}
            onKeyDown={(e) => onKey(e, i)}
            className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              active === tab.id ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900'
            }`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-${active}-panel`} aria-labelledby={`${base}-${active}-tab`} className="pt-4">
        {active === 'keys' ? <ApiKeysTab domain={domain} /> : null}
        {active === 'templates' ? <TemplatesTab domain={domain} /> : null}
        {active === 'webhooks' ? <WebhooksTab domain={domain} /> : null}
        {active === 'stats' ? <StatsTab domain={domain} /> : null}
        {active === 'sends' ? <SendsTab domain={domain} /> : null}
      </div>
    </div>
  );
}
