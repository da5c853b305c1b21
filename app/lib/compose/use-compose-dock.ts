'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type DockedCompose, closeWindow, expandedRoom, fitToRoom, minimiseWindow, openWindow, restoreWindow } from './compose-dock';
import type { ComposeState } from './compose-model';

/**
 * The open compose windows (see compose-dock.ts for the rules) and where focus goes: into a window
 * when it opens or is restored, to its title bar when minimised, and back to whatever opened it
 * when it closes.
 */
/** How many windows fit expanded in this viewport. */
const room = () => (typeof window === 'undefined' ? 1 : expandedRoom(window.innerWidth));

export function useComposeDock() {
  const [windows, setWindows] = useState<DockedCompose[]>([]);
  const nextKey = useRef(1);
  const openers = useRef(new Map<number, HTMLElement>());

  useEffect(() => {
    const onResize = () => setWindows((current) => fitToRoom(current, room()));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const open = useCallback((title: string, initial: ComposeState) => {
    const key = nextKey.current++;
    if (document.activeElement instanceof HTMLElement && document.activeElement !== document.body) openers.current.set(key, document.activeElement);
    setWindows((current) => {
      // A draft already open is brought forward rather than edited in two windows at once.
      const same = initial.draftId ? current.find((w) => w.initial.draftId === initial.draftId) : undefined;
      return same ? restoreWindow(current, same.key, room()) : openWindow(current, { key, title, initial }, room());
    });
  }, []);

  const close = useCallback((key: number) => {
    setWindows((current) => closeWindow(current, key));
    const opener = openers.current.get(key);
    openers.current.delete(key);
    // The opener may be gone (a row of a list that changed); then focus stays where the browser puts it.
    if (opener?.isConnected) requestAnimationFrame(() => opener.focus());
  }, []);

  const minimise = useCallback((key: number) => setWindows((current) => minimiseWindow(current, key)), []);
  const restore = useCallback((key: number) => setWindows((current) => restoreWindow(current, key, room())), []);

  return { windows, open, close, minimise, restore };
}

export type ComposeDockState = ReturnType<typeof useComposeDock>;
