'use client';

/**
 * A select that acts as a menu: it shows `placeholder`, and choosing an entry runs `onPick` with its
 * id (the select goes back to the placeholder). Labels and folders to move to, in the bulk toolbar
 * and above an open conversation; `id` and `shortcut` let `l` and `v` focus it.
 */
export function PickMenu({
  label,
  placeholder,
  items,
  onPick,
  id,
  shortcut,
  className = 'rounded-lg border border-slate-300 px-2 py-1',
}: {
  label: string;
  placeholder: string;
  items: readonly { id: string; name: string }[];
  onPick: (id: string) => void;
  id?: string;
  shortcut?: string;
  className?: string;
}) {
  if (items.length === 0) return null;
  return (
    <select aria-label={label} id={id} data-shortcut={shortcut} className={className} value="" onChange={(e) => e.target.value && onPick(e.target.value)}>
      <option value="">{placeholder}</option>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </select>
  );
}
