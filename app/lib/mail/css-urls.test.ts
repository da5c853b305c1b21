import { describe, expect, it } from 'vitest';
import { rewriteCssUrls } from './css-urls';

const dropRemote = (url: string) => (/^https?:/i.test(url) ? null : url);

describe('rewriteCssUrls', () => {
  it('finds unquoted, quoted and upper-case url() and applies the decision to each', () => {
    const css = `a{background:url(http://x.test/a.png) no-repeat} b{background-image:URL( "https://x.test/b.png" ), url('data:image/png;base64,AA')}`;
    const seen: string[] = [];
    const out = rewriteCssUrls(css, (url) => {
      seen.push(url);
      return dropRemote(url);
    });
    expect(seen).toEqual(['http://x.test/a.png', 'https://x.test/b.png', 'data:image/png;base64,AA']);
    expect(out).toBe(`a{background:none no-repeat} b{background-image:none, url("data:image/png;base64,AA")}`);
  });

  it('replaces a reference with the URL it is given, quoted safely', () => {
    expect(rewriteCssUrls('x{background:url(cid:logo)}', () => 'data:image/png;base64,A"B')).toBe('x{background:url("data:image/png;base64,A\\"B")}');
  });

  it('drops everything after an unterminated url(', () => {
    expect(rewriteCssUrls('x{color:red;background:url(http://x.test/a', dropRemote)).toBe('x{color:red;background:none');
    expect(rewriteCssUrls('x{background:url("http://x.test/a)}', dropRemote)).toBe('x{background:none');
  });

  it('removes @import rules', () => {
    expect(rewriteCssUrls('@import "http://x.test/s.css"; @IMPORT url(http://x.test/t.css) screen; p{color:red}', () => null)).toBe('  p{color:red}');
  });

  it('stays linear on hostile input', () => {
    const hostile = 'url('.repeat(200_000);
    const started = performance.now();
    rewriteCssUrls(hostile, () => null);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
