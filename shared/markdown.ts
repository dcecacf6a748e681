/**
 * Markdown-lite for chat messages, the widget's and the console's: **bold** (or __bold__),
 * *italic* (or _italic_), [links](https://…), bare http(s) links, and lists (lines starting with
 * "- ", "* " or "1. "). A backslash keeps the next mark literal. Nothing else: no HTML, no
 * images, no headings.
 *
 * Safe by construction: `parseMarkdown` returns a tree of strings and known node kinds, and
 * `Markdown` builds Preact elements from it (text is text, never HTML). Links point only at
 * http:, https: or mailto: URLs and open in a new tab with rel="noopener noreferrer nofollow";
 * any other link is shown as the text it was written as. Linear in the text: each mark looks
 * for its closer once, and nesting stops at three levels.
 */
import { h, type ComponentChildren } from 'preact';

export type Inline = string | { t: 'b' | 'i'; c: Inline[] } | { t: 'a'; href: string; c: Inline[] };
export type Block = { t: 'p'; c: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] };

/** The URL when it is one a message may link to (http, https, mailto), else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const BARE_URL = /https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]*_]/y;
const ITEM = /^\s{0,3}(?:[-*•]|\d{1,3}[.)])\s+/;
const space = (c: string | undefined) => !c || /\s/.test(c);
const word = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

function inline(s: string, depth: number, links: boolean): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const push = (node: Inline) => {
    if (text) out.push(text);
    text = '';
    out.push(node);
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '\\' && /[*_[\]()\\]/.test(s[i + 1] ?? '')) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (links && c === '[') {
      const mid = s.indexOf('](', i + 1);
      const end = mid < 0 ? -1 : s.indexOf(')', mid + 2);
      const label = mid < 0 ? '' : s.slice(i + 1, mid);
      const url = end < 0 ? '' : s.slice(mid + 2, end);
      const href = label && !label.includes('[') && url && !/\s/.test(url) ? safeHref(url) : null;
      if (href) {
        push({ t: 'a', href, c: depth < 3 ? inline(label, depth + 1, false) : [label] });
        i = end + 1;
        continue;
      }
    }
    if (links && c === 'h' && !word(s[i - 1])) {
      BARE_URL.lastIndex = i;
      const m = BARE_URL.exec(s);
      const href = m && safeHref(m[0]);
      if (m && href) {
        push({ t: 'a', href, c: [m[0]] });
        i += m[0].length;
        continue;
      }
    }
    if ((c === '*' || c === '_') && depth < 3) {
      const mark = s[i + 1] === c ? c + c : c;
      const from = i + mark.length;
      // Opens before a non-space (and, for _, not inside a word: snake_case stays as written).
      if (!space(s[from]) && !(c === '_' && word(s[i - 1]))) {
        let close = s.indexOf(mark, from);
        // A single mark must not close on half of a double one.
        while (mark.length === 1 && close >= 0 && s[close + 1] === c) close = s.indexOf(mark, close + 2);
        if (close > from && !space(s[close - 1]) && !(c === '_' && word(s[close + mark.length]))) {
          push({ t: mark.length === 2 ? 'b' : 'i', c: inline(s.slice(from, close), depth + 1, links) });
          i = close + mark.length;
          continue;
        }
      }
      text += mark;
      i = from;
      continue;
    }
    text += c;
    i++;
  }
  if (text) out.push(text);
  return out;
}

export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    const p = para.join('\n');
    if (p.trim()) blocks.push({ t: 'p', c: inline(p, 0, true) });
    para = [];
  };
  for (const line of text.split('\n')) {
    const m = ITEM.exec(line);
    if (m) {
      const kind = /\d/.test(m[0]) ? 'ol' : 'ul';
      const last = blocks[blocks.length - 1];
      flush();
      const list = last && last === blocks[blocks.length - 1] && last.t === kind ? last : (blocks[blocks.length] = { t: kind, items: [] });
      list.items.push(inline(line.slice(m[0].length), 0, true));
    } else {
      para.push(line);
    }
  }
  flush();
  return blocks;
}

const A = { target: '_blank', rel: 'noopener noreferrer nofollow' };

function nodes(list: Inline[]): ComponentChildren[] {
  return list.map((n) =>
    typeof n === 'string' ? n : n.t === 'a' ? h('a', { ...A, href: n.href }, nodes(n.c)) : h(n.t === 'b' ? 'strong' : 'em', null, nodes(n.c)),
  );
}

/** A message's text as elements, paragraphs and lists (in a white-space: pre-wrap box: line breaks are kept). */
export function Markdown({ text }: { text: string }) {
  return parseMarkdown(text).map((b) => (b.t === 'p' ? h('p', null, nodes(b.c)) : h(b.t, null, b.items.map((item) => h('li', null, nodes(item))))));
}
