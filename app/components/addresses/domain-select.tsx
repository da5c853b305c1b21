'use client';
import { useId } from 'react';

export function DomainSelect({ domains, value, onChange }: { domains: string[]; value: string; onChange: (domain: string) => void }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Domain
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
      >
        {domains.map((d) => (
          <option key={d} value={d}>
            @{d}
          </option>
        ))}
      </select>
    </div>
  );
}
