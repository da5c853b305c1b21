'use client';
import { useEffect, useRef } from 'react';
import { isNavigationTarget } from './list-navigation';
import { SEQUENCE_MS, type ShortcutCommand, readShortcut } from './shortcuts';

/**
 * One keydown listener for the mailbox's shortcuts. Keys typed into fields, with Ctrl/Alt/Meta, or
 * while a dialog is open are left alone; `enabled` false (the setting) turns every one off.
 */
export function useMailShortcuts(enabled: boolean, run: (command: ShortcutCommand) => void) {
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    if (!enabled) return;
    let pendingG = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isNavigationTarget(event) || document.querySelector('dialog[open]')) return;
      // c is the mailbox's own (it opens compose even with no folder shown); j/k are the list's.
      if (event.key === 'c' || event.key === 'j' || event.key === 'k') return;
      const read = readShortcut(event.key, pendingG);
      pendingG = read.pendingG;
      clearTimeout(timer);
      if (pendingG) timer = setTimeout(() => (pendingG = false), SEQUENCE_MS);
      if (!read.command) return;
      event.preventDefault();
      runRef.current(read.command);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [enabled]);
}
