'use client';
import { useState } from 'react';
import { SHORTCUTS, shortcutSetting } from '@/app/lib/mail/shortcuts';
import { Dialog } from '../dialog';
import { Button } from '../ui';

/** `?`: every shortcut, and the switch that turns them off in this browser. */
export function ShortcutsDialog({ onClose, onChange }: { onClose: () => void; onChange: (on: boolean) => void }) {
  const [on, setOn] = useState(shortcutSetting.load);
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <label className="mb-3 flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            setOn(e.target.checked);
            shortcutSetting.save(e.target.checked);
            onChange(e.target.checked);
          }}
          className="h-4 w-4 accent-brand-600"
        />
        Keyboard shortcuts on
      </label>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Shortcuts</caption>
        <thead>
          <tr>
            <th scope="col" className="pb-1 font-medium">
              Key
            </th>
            <th scope="col" className="pb-1 font-medium">
              What it does
            </th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys + s.what}>
              <td className="py-0.5 pr-3">
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{s.keys}</kbd>
              </td>
              <td className="py-0.5">{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-4 flex justify-end">
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </Dialog>
  );
}
