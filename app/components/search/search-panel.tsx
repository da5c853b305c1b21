'use client';
import { useState } from 'react';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { formatListDate } from '@/app/lib/mail/format';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import type { MailRoute } from '@/app/lib/mail/use-mail-route';
import { type SearchOrder, useSearchResults, useSearchStatus, useSearchText } from '@/app/lib/search/use-search';
import { errorMessage } from '@/app/lib/trpc';
import { ReadingPane } from '../mail/reading-pane';
import { Alert, Button, Spinner } from '../ui';
import { Highlight } from './highlight';

/** Search results in place of the folder's list; a result opens in the reading pane beside it. */
export function SearchPanel({ route, onReply }: { route: MailRoute; onReply: (message: ParsedMessage, mode: ReplyMode) => void }) {
  const [text, setText] = useSearchText();
  const [order, setOrder] = useState<SearchOrder>('relevance');
  const status = useSearchStatus();
  const search = useSearchResults(text, order);
  const { messageId, closeMessage } = route;
  const reading = messageId !== null;
  const results = search.data?.results ?? [];
  const now = new Date();

  return (
    <>
      <section
        aria-labelledby="search-heading"
        className={`${reading ? 'hidden md:flex' : 'flex'} min-h-0 flex-1 flex-col border-slate-200 bg-white md:w-80 md:flex-none md:border-r lg:w-96`}
      >
        <div className="flex items-center gap-2 border-b border-slate-100 px-4 py-3">
          <h1 id="search-heading" className="text-xl font-semibold">
            Search
          </h1>
          <label className="ml-auto text-xs text-slate-600">
            <span className="sr-only">Order</span>
            <select value={order} onChange={(event) => setOrder(event.target.value as SearchOrder)} className="rounded border border-slate-300 px-1 py-0.5">
              <option value="relevance">Best match</option>
              <option value="newest">Newest first</option>
            </select>
          </label>
          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setText('')}>
            Clear
          </Button>
        </div>
        {search.data?.problems.length ? (
          <div className="px-4 pt-2">
            <Alert tone="warning">Not understood: {search.data.problems.join('; ')}</Alert>
          </div>
        ) : null}
        {status.phase === 'indexing' || status.phase === 'paused' ? (
          <p className="px-4 pt-2 text-xs text-slate-600">Still indexing: results cover the {status.done.toLocaleString('en-US')} messages indexed so far.</p>
        ) : null}
        {search.isError ? (
          <div className="p-4">
            <Alert>{errorMessage(search.error)}</Alert>
          </div>
        ) : search.isPending && search.fetchStatus !== 'idle' ? (
          <div className="p-4 text-sm text-slate-600">
            <Spinner label="Searching…" />
          </div>
        ) : results.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">
            {search.fetchStatus === 'idle' && search.isPending ? 'Type words to search for.' : 'No messages match.'}
          </p>
        ) : (
          <div className="min-h-0 flex-1 overflow-y-auto">
            <p className="sr-only" aria-live="polite">
              {results.length} results
            </p>
            <ul aria-label="Search results" data-search-ms={search.data?.ms.toFixed(1)} className="divide-y divide-slate-100">
              {results.map((hit) => (
                <li key={hit.id}>
                  <button
                    type="button"
                    data-testid="search-result"
                    data-message-id={hit.id}
                    aria-current={hit.id === messageId ? 'true' : undefined}
                    onClick={() => route.openMessage(hit.id)}
                    className={`block w-full px-4 py-3 text-left ${hit.id === messageId ? 'bg-brand-50' : 'hover:bg-slate-50'}`}
                  >
                    <div className="flex items-center gap-2">
                      <span className={`truncate text-sm ${hit.seen ? 'text-slate-700' : 'font-semibold text-slate-900'}`}>
                        <Highlight text={hit.from || '(unknown sender)'} terms={hit.terms} />
                      </span>
                      <span className="shrink-0 rounded bg-slate-100 px-1 text-xs text-slate-600">{hit.folder}</span>
                      <time className="ml-auto shrink-0 text-xs text-slate-500" dateTime={new Date(hit.date).toISOString()}>
                        {formatListDate(new Date(hit.date).toISOString(), now)}
                      </time>
                    </div>
                    <p className="truncate text-sm text-slate-800">
                      <Highlight text={hit.subject || '(no subject)'} terms={hit.terms} />
                    </p>
                    <p className="line-clamp-2 text-xs text-slate-500">
                      <Highlight text={hit.excerpt} terms={hit.terms} />
                    </p>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <section aria-label="Message" className={`${reading ? 'flex' : 'hidden md:flex'} min-h-0 flex-1 flex-col`}>
        {messageId ? (
          <ReadingPane key={messageId} id={messageId} item={undefined} summary={undefined} onBack={closeMessage} onGone={closeMessage} onReply={onReply} />
        ) : (
          <p className="m-auto p-6 text-sm text-slate-500">Select a result to read it.</p>
        )}
      </section>
    </>
  );
}
