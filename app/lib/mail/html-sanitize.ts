import DOMPurify from 'dompurify';
import { toBase64 } from '@/crypto/encoding';
import { rewriteCssUrls } from './css-urls';

/**
 * Turns the HTML body of a message into the srcdoc of a sandboxed frame. Three layers:
 * 1. the frame's sandbox (set by the component): no scripts, an opaque origin;
 * 2. a Content-Security-Policy inside the document: nothing loads from the network, except
 *    images once the reader asks for remote content;
 * 3. DOMPurify plus the hooks below: scripts, forms, frames, <link> and <meta> go; remote image
 *    references are dropped (and counted, so the page can offer to load them); cid: images become
 *    data: URLs; links open in a new tab without a referrer.
 * Needs a DOM (the page's), so it never runs on the server.
 */
export interface MessageDocumentOptions {
  /** The reader clicked "Load remote content" for this message. */
  allowRemote: boolean;
  /** Content-ID (no angle brackets) → data: URL of the inline image. */
  inlineImages: ReadonlyMap<string, string>;
}

export interface MessageDocument {
  srcdoc: string;
  /** Remote references removed because remote content is not allowed (0 when it is). */
  blockedRemote: number;
}

export function contentSecurityPolicy(allowRemote: boolean): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data:${allowRemote ? ' https: http:' : ''}`,
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const FORBID_TAGS = [
  'base',
  'link',
  'meta',
  'title',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'video',
  'audio',
  'source',
  'track',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'template',
  'dialog',
  'canvas',
];
const FORBID_ATTR = ['srcdoc', 'action', 'formaction', 'ping', 'poster', 'autofocus', 'usemap'];

// Colours and backgrounds are left alone: any rule here would override the message's own
// <body bgcolor|background|text> attributes, which count for less than a style sheet.
const BASE_STYLE = `html{color-scheme:light}body{margin:0;padding:16px;font:14px/1.5 system-ui,sans-serif;overflow-wrap:anywhere}img{max-width:100%}pre{white-space:pre-wrap}`;

type UrlKind = 'remote' | 'cid' | 'data-image' | 'other';

export function classifyUrl(value: string): UrlKind {
  // Browsers ignore tabs and newlines inside URLs ("ht\ttp:"), so the check must too.
  const url = value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  if (url.startsWith('http:') || url.startsWith('https:') || url.startsWith('//')) return 'remote';
  if (url.startsWith('cid:')) return 'cid';
  if (url.startsWith('data:image/')) return 'data-image';
  return 'other';
}

export function buildMessageDocument(html: string, options: MessageDocumentOptions): MessageDocument {
  if (typeof window === 'undefined') return { srcdoc: '', blockedRemote: 0 };
  let blockedRemote = 0;

  /** The URL an image reference may keep, or null to drop it. */
  const imageUrl = (value: string): string | null => {
    switch (classifyUrl(value)) {
      case 'remote':
        if (options.allowRemote && !value.trim().startsWith('//')) return value.trim();
        if (!options.allowRemote) blockedRemote++;
        return null;
      case 'cid':
        return options.inlineImages.get(cidOf(value)) ?? null;
      case 'data-image':
        return value.trim();
      default:
        return null;
    }
  };
  const setOrRemove = (el: Element, name: string, value: string | null) => {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  };
  /** A srcset stays only when every candidate may load; the src next to it is the fallback. */
  const imageSrcset = (value: string): string | null => {
    const urls = value.split(/,\s+/).map((candidate) => candidate.trim().split(/\s+/)[0] ?? '');
    const kept = urls.map((url) => (classifyUrl(url) === 'cid' ? null : imageUrl(url)));
    return kept.every((url) => url !== null) ? value : null;
  };

  const purify = DOMPurify(window);
  // Without a working sanitizer nothing is shown at all, rather than the HTML unsanitized.
  if (!purify.isSupported) return { srcdoc: '', blockedRemote: 0 };
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent) node.textContent = rewriteCssUrls(node.textContent, imageUrl);
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeType !== 1) return;
    const el = node as Element;
    const tag = el.tagName.toLowerCase();
    if ((tag === 'a' || tag === 'area') && el.hasAttribute('href')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
    if (tag === 'img' && el.hasAttribute('src')) setOrRemove(el, 'src', imageUrl(el.getAttribute('src')!));
    if (el.hasAttribute('srcset')) setOrRemove(el, 'srcset', tag === 'img' ? imageSrcset(el.getAttribute('srcset')!) : null);
    if (el.hasAttribute('background')) setOrRemove(el, 'background', imageUrl(el.getAttribute('background')!));
    const style = el.getAttribute('style');
    if (style) el.setAttribute('style', rewriteCssUrls(style, imageUrl));
  });

  const root = purify.sanitize(html, {
    WHOLE_DOCUMENT: true,
    RETURN_DOM: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
  }) as HTMLElement;

  const doc = root.ownerDocument;
  const head = root.querySelector('head') ?? root.insertBefore(doc.createElement('head'), root.firstChild);
  const meta = (attrs: Record<string, string>) => {
    const el = doc.createElement('meta');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  };
  const baseStyle = doc.createElement('style');
  baseStyle.textContent = BASE_STYLE;
  // The policy comes first in <head>, so it covers everything the message contains.
  head.prepend(
    meta({ charset: 'utf-8' }),
    meta({ 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(options.allowRemote) }),
    meta({ name: 'referrer', content: 'no-referrer' }),
    meta({ 'http-equiv': 'x-dns-prefetch-control', content: 'off' }),
    baseStyle,
  );
  return { srcdoc: `<!DOCTYPE html>${root.outerHTML}`, blockedRemote };
}

/** cid:abc%40x → abc@x, the form the attachment's Content-ID takes (RFC 2392). */
function cidOf(url: string): string {
  const raw = url.trim().slice(4);
  try {
    return decodeURIComponent(raw);
  } catch {
    // A malformed %-escape: compare the text as written.
    return raw;
  }
}

/** Content-ID → data: URL for each inline image among the attachments. */
export function inlineImageMap(attachments: { contentId: string | null; mimeType: string; content: Uint8Array }[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const a of attachments) {
    if (a.contentId && a.mimeType.startsWith('image/') && !map.has(a.contentId)) {
      map.set(a.contentId, `data:${a.mimeType.replace(/[^a-z0-9.+/-]/gi, '')};base64,${toBase64(a.content)}`);
    }
  }
  return map;
}
