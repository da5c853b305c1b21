'use client';
import { type Dispatch, type SetStateAction, useCallback, useEffect, useState } from 'react';
import type { ComposeState } from '../compose/compose-model';
import { type Identity, swapSignature, withSignature } from './identity-model';
import { useIdentities } from './use-identities';

const find = (identities: Identity[] | undefined, address: string) => identities?.find((i) => i.address.toLowerCase() === address.toLowerCase());

/**
 * The compose window's From: the identities to pick from, the display name the message goes out
 * with, and the signature in the body. A new message, reply or forward starts with its signature
 * 'pending' and gets it once the identities are decrypted; choosing another From swaps the
 * signature unless the user edited it. `editorVersion` changes whenever the body is rewritten
 * here, so the (uncontrolled) rich editor is remounted with the new content.
 */
export function useComposeIdentity(state: ComposeState, setState: Dispatch<SetStateAction<ComposeState>>) {
  const { identities } = useIdentities();
  const [editorVersion, setEditorVersion] = useState(0);

  useEffect(() => {
    if (!identities) return;
    const identity = find(identities, state.from);
    if (state.signature === 'pending') {
      setState((s) => ({
        ...s,
        ...withSignature(s, identity?.signature ?? null),
        fromName: identity?.displayName ?? '',
        signature: identity?.signature ?? null,
      }));
      if (identity?.signature) setEditorVersion((v) => v + 1);
    } else if (state.fromName === undefined && identity) {
      setState((s) => ({ ...s, fromName: identity.displayName }));
    }
  }, [identities, state.from, state.signature, state.fromName, setState]);

  const changeFrom = useCallback(
    (address: string) => {
      const next = find(identities, address);
      const inserted = state.signature === 'pending' || state.signature === undefined ? undefined : state.signature;
      const swapped = next && inserted !== undefined ? swapSignature(state, inserted, next.signature) : null;
      setState((s) => ({
        ...s,
        from: address,
        ...(next ? { fromName: next.displayName } : {}),
        ...(swapped && next ? { html: swapped.html, text: swapped.text, signature: next.signature } : {}),
      }));
      if (swapped && swapped.html !== state.html) setEditorVersion((v) => v + 1);
    },
    [identities, state, setState],
  );

  return { identities, editorVersion, changeFrom };
}
