/**
 * What widget.js (the loader) hands to widget-host.js (the lazy host side): the launcher it drew
 * and what it learnt from the snippet, on `Mostrador.l`. Styles are split the same way: the
 * launcher's rules ship in the loader, the panel frame's in the host script.
 */
import type { Locale } from '../shared/i18n';

export interface LauncherParts {
  host: HTMLElement;
  shadow: ShadowRoot;
  sheet: CSSStyleSheet;
  wrap: HTMLElement;
  button: HTMLButtonElement;
  site: string;
  /** Our server's origin (where widget.js came from). */
  base: string;
  locale: Locale;
}

/** A brand colour the widget applies: `#rrggbb` only (the snippet's `data-color`, the site's setting). */
export const isHexColor = (c: unknown): c is string => typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c);

export type LoaderApi = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; loaded?: boolean; l?: LauncherParts };

// `.o`: open. The badge shows only when it has a count and the panel is closed.
export const LAUNCHER_CSS =
  ':host{all:initial}' +
  '.l{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;margin:0;padding:0;background:var(--mostrador-color,#1f5f8b);color:#fff;cursor:pointer;box-shadow:0 4px 14px #0004;display:grid;place-items:center}' +
  '.l:focus-visible{outline:3px solid #fff;box-shadow:0 0 0 6px #1a1a1a}' +
  '.l svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round;stroke-linejoin:round}' +
  '.o .i,.x{display:none}.o .x{display:block}' +
  '.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#c0182a;color:#fff;font:700 12px/20px system-ui,sans-serif}' +
  '.b:empty,.o .b{display:none}' +
  ':host([data-side=left]) .l{left:20px;right:auto}';

// `.t`: the proactive teaser strip is showing. Below 640 px the open panel fills the screen.
export const FRAME_CSS =
  '.f{position:fixed;bottom:92px;right:20px;z-index:2147483000;width:380px;height:min(640px,calc(100vh - 112px));border:0;border-radius:14px;background:#fff;box-shadow:0 8px 32px #0005;display:none;color-scheme:normal}' +
  '.o .f{display:block}' +
  '.t .f{display:block;height:150px;width:340px;max-width:calc(100vw - 40px);background:none;box-shadow:none;border-radius:0}' +
  ':host([data-side=left]) .f{left:20px;right:auto}' +
  '@media (max-width:639px){.o .f{inset:0;width:100%;height:100%;border-radius:0}.o .l{display:none}}';
