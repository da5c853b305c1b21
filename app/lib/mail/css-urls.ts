/**
 * Finds the url(...) references in CSS text and lets the caller keep, replace or drop each one.
 * A single forward scan with indexOf, so hostile CSS costs linear time. It is the second line of
 * defence only: the Content-Security-Policy of the message frame is what actually blocks loads.
 */

/** Returns the URL to put in place of `url`, or null to drop the reference. */
export type CssUrlDecision = (url: string) => string | null;

export function rewriteCssUrls(css: string, decide: CssUrlDecision): string {
  const lower = css.toLowerCase();
  let out = '';
  let pos = 0;
  for (;;) {
    const start = lower.indexOf('url(', pos);
    if (start === -1) break;
    const parsed = readUrlArgument(css, start + 4);
    out += css.slice(pos, start);
    if (!parsed) {
      // An unterminated url( swallows the rest of the declaration in a browser too: drop it all.
      return `${out}none`;
    }
    const replacement = decide(parsed.url);
    out += replacement === null ? 'none' : `url("${escapeCssString(replacement)}")`;
    pos = parsed.end;
  }
  return stripImports(out + css.slice(pos));
}

/** The argument of url( starting at `from`, and the index just past its closing parenthesis. */
function readUrlArgument(css: string, from: number): { url: string; end: number } | null {
  let i = from;
  while (i < css.length && /\s/.test(css[i]!)) i++;
  const quote = css[i];
  if (quote === '"' || quote === "'") {
    let url = '';
    i++;
    while (i < css.length && css[i] !== quote) {
      if (css[i] === '\\' && i + 1 < css.length) i++;
      url += css[i];
      i++;
    }
    if (i >= css.length) return null;
    const close = css.indexOf(')', i + 1);
    return close === -1 ? null : { url: url.trim(), end: close + 1 };
  }
  const close = css.indexOf(')', i);
  return close === -1 ? null : { url: css.slice(i, close).trim(), end: close + 1 };
}

/** @import pulls in remote style sheets, which the frame never loads: remove the rules outright. */
function stripImports(css: string): string {
  const lower = css.toLowerCase();
  let out = '';
  let pos = 0;
  for (;;) {
    const at = lower.indexOf('@import', pos);
    if (at === -1) break;
    const semicolon = css.indexOf(';', at);
    out += css.slice(pos, at);
    pos = semicolon === -1 ? css.length : semicolon + 1;
  }
  return out + css.slice(pos);
}

function escapeCssString(value: string): string {
  return value.replace(/["\\\n\r]/g, (c) => `\\${c === '\n' ? 'a ' : c === '\r' ? 'd ' : c}`);
}
