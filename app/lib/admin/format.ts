/** Display helpers for the admin console and the storage panel; no DOM, unit-tested. */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (binary multiples, the way quotas are set in MiB). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** An ISO time as a short local date and time, or "—" / "never". */
export function formatTime(iso: string | null | undefined, missing = '—'): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : missing;
}

/** Share of a quota used, 0–100, for a progress bar; null without a quota. */
export function usagePercent(used: number, quota: number | null): number | null {
  if (!quota) return null;
  return Math.min(100, Math.round((used / quota) * 100));
}

/** A limit field: empty means "the default" (null); otherwise a whole number ≥ 0, or an error. */
export function parseLimit(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (!/^\d{1,9}$/.test(trimmed)) return { ok: false, error: 'Enter a whole number, or leave it empty for the default.' };
  return { ok: true, value: Number(trimmed) };
}
