'use client';
import { useEffect, useRef } from 'react';
import { isNavigationTarget } from '@/app/lib/mail/list-navigation';
import { searchIndexer } from '@/app/lib/search/indexer';
import { useSearchIndexer, useSearchStatus, useSearchText } from '@/app/lib/search/use-search';
import { Button } from '../ui';

const count = (n: number) => n.toLocaleString('en-US');

/** The search box (`/` focuses it, Escape clears it) and the index's progress under it. */
export function SearchBox() {
  useSearchIndexer();
  const [text, setText] = useSearchText();
  const status = useSearchStatus();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === '/' && isNavigationTarget(event)) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const building = status.phase === 'indexing' || status.phase === 'paused';
  return (
    <div className="space-y-1">
      <label htmlFor="mail-search" className="sr-only">
        Search mail
      </label>
      <input
        id="mail-search"
        ref={input}
        type="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            setText('');
            input.current?.blur();
          }
        }}
        placeholder="Search mail  /"
        aria-keyshortcuts="/"
        autoComplete="off"
        spellCheck={false}
        className="w-full rounded-lg border border-slate-300 px-2 py-1.5 text-sm"
      />
      <div
        data-testid="search-status"
        data-phase={status.phase}
        data-decrypted={status.decryptedHere}
        data-done={status.done}
        className="text-xs text-slate-600"
        aria-live="polite"
      >
        {building ? (
          <div className="flex items-center gap-1">
            <span>
              {status.phase === 'paused' ? 'Paused at' : 'Indexing'} {count(status.done)} of {count(status.total)}
            </span>
            <Button variant="ghost" className="px-1 py-0 text-xs" onClick={() => (status.phase === 'paused' ? searchIndexer.resume() : searchIndexer.pause())}>
              {status.phase === 'paused' ? 'Resume' : 'Pause'}
            </Button>
          </div>
        ) : status.phase === 'syncing' || status.phase === 'opening' ? (
          'Opening the search index…'
        ) : status.phase === 'error' ? (
          <span className="text-red-700">Search index: {status.error}</span>
        ) : status.phase === 'ready' ? (
          <span className="sr-only">Search index ready: {count(status.done)} messages</span>
        ) : null}
      </div>
    </div>
  );
}
