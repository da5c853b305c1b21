/**
 * vCard 2.1, which Android and older Outlook still export, in the 3.0 shape that ical.js reads:
 * bare parameters (`EMAIL;HOME;PREF:`) get their `TYPE=`, and quoted-printable values (with their
 * `=` soft line breaks) are decoded. Files of other versions pass through untouched.
 */
export function upgradeVcard21(text: string): string {
  if (!/^VERSION:2\.1\s*$/im.test(text)) return text;
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const head = colon > 0 ? line.slice(0, colon) : '';
    if (!head.includes(';') || /^\s/.test(line)) {
      out.push(line);
      continue;
    }
    const [name, ...params] = head.split(';');
    let value = line.slice(colon + 1);
    const quotedPrintable = params.some((p) => /^(encoding=)?quoted-printable$/i.test(p));
    const charset = params.find((p) => /^charset=/i.test(p))?.slice('charset='.length) ?? 'utf-8';
    if (quotedPrintable) {
      while (value.endsWith('=') && i + 1 < lines.length) value = value.slice(0, -1) + lines[++i];
      value = decodeQuotedPrintable(value, charset).replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
    }
    const kept = params
      .filter((p) => !(quotedPrintable && /^((encoding=)?quoted-printable|charset=.*)$/i.test(p)))
      .map((p) => (p.includes('=') ? p : `TYPE=${p}`));
    out.push(`${[name, ...kept].join(';')}:${value}`);
  }
  return out.join('\r\n');
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(value.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(value[i]!));
    }
  }
  try {
    return new TextDecoder(charset).decode(new Uint8Array(bytes));
  } catch {
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}
