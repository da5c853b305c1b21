import { build } from 'esbuild';
import { type Page, expect, test } from '@playwright/test';
import { startRecordingServer } from './mail-helpers';

/**
 * app/lib/mail/html-sanitize.ts in the browser it is written for: Chromium's own HTML parser, CSP
 * and sandboxed frames, with a real HTTP server on loopback standing in for the tracking sender.
 * The module is bundled with esbuild (which tsx brings) and loaded into a blank page.
 */
let bundle: string;
test.beforeAll(async () => {
  const result = await build({
    entryPoints: ['app/lib/mail/html-sanitize.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'MailHtml',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
});

async function loadModule(page: Page, blankPage: string) {
  await page.goto(blankPage);
  await page.addScriptTag({ content: bundle });
}

/** Hostile mail: every way HTML can run script or fetch something, each tagged with its own path. */
function hostileHtml(u: (path: string) => string) {
  return `<html><head>
<style>.bg{background-image:url(${u('/style-element.gif')})} @import url(${u('/import.css')});</style>
<link rel="stylesheet" href="${u('/link.css')}">
<meta http-equiv="refresh" content="0;url=${u('/refresh')}">
<base href="${u('/base/')}">
</head>
<body background="${u('/body-background.gif')}">
<p id="hello">Hello from the mail</p>
<script>fetch('${u('/script')}'); document.title = 'pwned';</script>
<img src="${u('/img.gif')}" alt="remote">
<img srcset="${u('/srcset.gif')} 2x" alt="srcset only">
<img src="x" onerror="fetch('${u('/onerror')}')">
<div class="bg">styled</div>
<div style="background:url(${u('/style-attr.gif')})">inline style</div>
<table background="${u('/table-background.gif')}"><tr><td>cell</td></tr></table>
<video poster="${u('/poster.gif')}" src="${u('/video')}" autoplay></video>
<audio src="${u('/audio')}" autoplay></audio>
<iframe src="${u('/iframe')}"></iframe>
<object data="${u('/object')}"></object>
<svg><image href="${u('/svg-image.gif')}"></image></svg>
<input type="image" src="${u('/input-image.gif')}">
<a id="out" href="${u('/link-target')}" ping="${u('/ping')}">a link</a>
<a id="js" href="javascript:fetch('${u('/javascript-href')}')">js link</a>
<img id="inline" src="cid:logo@example" alt="inline">
</body></html>`;
}

// What may load once the reader allows remote content: images, and nothing else.
const IMAGE_PATHS = ['/style-element.gif', '/body-background.gif', '/img.gif', '/srcset.gif', '/style-attr.gif', '/table-background.gif'];

test('builds a document with the policy first, no script, safe links and inline images resolved', async ({ page }) => {
  await page.goto('about:blank');
  await page.addScriptTag({ content: bundle });
  const out = await page.evaluate(
    ({ html }) => {
      const { buildMessageDocument } = (window as unknown as { MailHtml: typeof import('../app/lib/mail/html-sanitize') }).MailHtml;
      const doc = buildMessageDocument(html, { allowRemote: false, inlineImages: new Map([['logo@example', 'data:image/gif;base64,R0lGODlhAQABAAAAACw=']]) });
      const parsed = new DOMParser().parseFromString(doc.srcdoc, 'text/html');
      const first = parsed.head.firstElementChild?.nextElementSibling;
      return {
        blocked: doc.blockedRemote,
        srcdoc: doc.srcdoc,
        policy: first?.getAttribute('http-equiv') === 'Content-Security-Policy' ? first.getAttribute('content') : null,
        metaCount: parsed.querySelectorAll('meta[http-equiv="refresh"], base, link, script, iframe, object, video, audio, input').length,
        out: {
          target: parsed.getElementById('out')?.getAttribute('target'),
          rel: parsed.getElementById('out')?.getAttribute('rel'),
          ping: parsed.getElementById('out')?.hasAttribute('ping'),
        },
        jsHref: parsed.getElementById('js')?.getAttribute('href') ?? null,
        inline: parsed.getElementById('inline')?.getAttribute('src'),
        remoteImg: parsed.querySelector('img[alt="remote"]')?.getAttribute('src') ?? null,
      };
    },
    { html: hostileHtml((p) => `http://tracker.invalid${p}`) },
  );
  expect(out.policy).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'");
  expect(out.metaCount).toBe(0);
  expect(out.srcdoc).not.toMatch(/onerror|<script|javascript:/i);
  // The one reference left is the link, which loads nothing until the reader clicks it.
  expect(out.srcdoc.match(/tracker\.invalid[^"]*/g)).toEqual(['tracker.invalid/link-target']);
  expect(out.out).toEqual({ target: '_blank', rel: 'noopener noreferrer', ping: false });
  expect(out.jsHref).toBeNull();
  expect(out.inline).toBe('data:image/gif;base64,R0lGODlhAQABAAAAACw=');
  expect(out.remoteImg).toBeNull();
  expect(out.blocked).toBeGreaterThanOrEqual(IMAGE_PATHS.length);
});

test('in a sandboxed frame nothing loads and no script runs until remote content is allowed; then only images load', async ({ page }) => {
  const server = await startRecordingServer();
  try {
    await loadModule(page, server.url('/__blank'));
    const render = (marker: string, allowRemote: boolean) =>
      page.evaluate(
        ({ html, allowRemote, marker }) =>
          new Promise<number>((resolve) => {
            const { buildMessageDocument } = (window as unknown as { MailHtml: typeof import('../app/lib/mail/html-sanitize') }).MailHtml;
            const doc = buildMessageDocument(html, { allowRemote, inlineImages: new Map() });
            const frame = document.createElement('iframe');
            frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
            frame.name = marker;
            frame.addEventListener('load', () => resolve(doc.blockedRemote));
            frame.srcdoc = doc.srcdoc;
            document.body.append(frame);
          }),
        { html: hostileHtml((p) => server.url(`/${marker}${p}`)), allowRemote, marker },
      );

    expect(await render('blocked', false)).toBeGreaterThan(0);
    await expect(page.frameLocator('iframe[name="blocked"]').getByText('Hello from the mail')).toBeVisible();

    // The allowed copy proves the server is reachable from the page; once its images have arrived,
    // anything the blocked copy had requested would have arrived too.
    expect(await render('allowed', true)).toBe(0);
    await expect.poll(() => IMAGE_PATHS.filter((p) => !server.requests.includes(`/allowed${p}`))).toEqual([]);

    expect(server.requests.filter((r) => r.startsWith('/blocked/'))).toEqual([]);
    expect(server.requests.filter((r) => !IMAGE_PATHS.some((p) => r === `/allowed${p}`))).toEqual([]);
  } finally {
    await server.close();
  }
});

test('the control: the same mail in an unsandboxed frame without the sanitizer does run script and load everything', async ({ page }) => {
  const server = await startRecordingServer();
  try {
    await page.goto(server.url('/__blank'));
    await page.evaluate(
      (html) => {
        const frame = document.createElement('iframe');
        frame.srcdoc = html;
        document.body.append(frame);
      },
      hostileHtml((p) => server.url(`/raw${p}`)),
    );
    await expect.poll(() => server.requests).toEqual(expect.arrayContaining(['/raw/script', '/raw/img.gif', '/raw/link.css']));
  } finally {
    await server.close();
  }
});
