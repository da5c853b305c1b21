import 'server-only';
import type { ServerResponse } from 'node:http';
import type { AnyProcedure } from '@trpc/server';
import { type TRPCResponse, getErrorShape, getHTTPStatusCode, getTRPCErrorFromUnknown, transformTRPCResponse } from '@trpc/server/unstable-core-do-not-import';
import { appRouter } from '../api/root';
import type { Context } from '../api/trpc';

/**
 * GET queries (`/api/trpc/mail.list?batch=1&input=…`, what the mailbox sends for every page of
 * mail), answered without tRPC's Node adapter. That adapter turns each request into a fetch Request
 * and reads the answer back out of a fetch Response through web streams, which cost more CPU than
 * the procedure itself. Here the procedures run the same way (every middleware, the input and output
 * schemas, the error formatter) and the answer has tRPC's wire format and status codes; only the
 * conversions are gone.
 *
 * It takes only plain GET queries: anything else (a procedure that isn't a query or doesn't exist,
 * an input that isn't JSON, a streaming or subscription request) returns false, and the caller
 * hands the request to tRPC's adapter, which answers it with its own error.
 */
export async function answerGetQuery(
  method: string | undefined,
  headers: { accept?: string; 'trpc-accept'?: string | string[] },
  res: ServerResponse,
  path: string,
  search: URLSearchParams,
  createContext: () => Context,
): Promise<boolean> {
  if (method !== 'GET' || headers['trpc-accept'] !== undefined || headers.accept === 'application/jsonl' || search.has('connectionParams')) return false;
  const batch = search.get('batch') === '1';
  const paths = batch ? path.split(',') : [path];
  const procedures: AnyProcedure[] = [];
  // Flat at run time ("mail.list"), whatever its declared type says; a lazy router would be missing here.
  const known = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  for (const name of paths) {
    const procedure = Object.hasOwn(known, name) ? known[name] : undefined;
    if (procedure?._def.type !== 'query') return false;
    procedures.push(procedure);
  }
  let inputs: unknown;
  const text = search.get('input');
  try {
    inputs = text ? JSON.parse(text) : undefined;
  } catch {
    return false;
  }
  if (batch && inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) return false;

  const config = appRouter._def._config;
  const ctx = createContext();
  // Aborts a query whose client has gone, as the adapter does (not one that was answered: an abort
  // costs a DOMException).
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const answers: TRPCResponse[] = await Promise.all(
    procedures.map(async (procedure, index) => {
      const path = paths[index]!;
      const raw = batch ? (inputs as Record<string, unknown> | undefined)?.[index] : inputs;
      const input = raw === undefined ? undefined : config.transformer.input.deserialize(raw);
      try {
        const data = await procedure({ path, getRawInput: async () => input, ctx, type: 'query', signal: abort.signal, batchIndex: index });
        return { result: { data } };
      } catch (cause) {
        return { error: getErrorShape({ config, ctx, error: getTRPCErrorFromUnknown(cause), input, path, type: 'query' }) };
      }
    }),
  );
  const body = JSON.stringify(transformTRPCResponse(config, batch ? answers : answers[0]!));
  res.writeHead(getHTTPStatusCode(batch ? answers : answers[0]!), {
    vary: 'trpc-accept, accept',
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}
