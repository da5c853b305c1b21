/**
 * The list's checkboxes: a set of ids, the last one clicked (the anchor of a Shift-click range),
 * and whether "all in this folder" was chosen, which the server resolves (pages not loaded too).
 */
export interface ListSelection {
  ids: ReadonlySet<string>;
  anchor: string | null;
  allInFolder: boolean;
}

export const EMPTY_SELECTION: ListSelection = { ids: new Set(), anchor: null, allInFolder: false };

/** A click on `id`'s checkbox; with `range`, every row from the anchor to it takes the anchor's new state. */
export function toggle(selection: ListSelection, order: string[], id: string, range: boolean): ListSelection {
  const ids = new Set(selection.ids);
  const on = !ids.has(id);
  const from = selection.anchor ? order.indexOf(selection.anchor) : -1;
  const to = order.indexOf(id);
  if (range && from >= 0 && to >= 0) {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    for (const rowId of order.slice(lo, hi + 1)) {
      if (on) ids.add(rowId);
      else ids.delete(rowId);
    }
  } else if (on) ids.add(id);
  else ids.delete(id);
  return { ids, anchor: id, allInFolder: false };
}

/**
 * What the server is asked to change: the checked rows, or the whole folder. What a row id means
 * (a message, a conversation) is the caller's: `target` and `all` make the request.
 */
export function selectionTarget<T>(selection: ListSelection, rows: { target: (ids: string[]) => T; all: T }): T | null {
  if (selection.allInFolder) return rows.all;
  return selection.ids.size ? rows.target([...selection.ids]) : null;
}
