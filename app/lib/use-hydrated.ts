import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False in the server's HTML and during hydration, true once React runs the page. Forms that hold a
 * password or a recovery phrase keep their submit button disabled until then, so the browser can
 * never submit them by itself (its native GET would put the secret in the URL).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
