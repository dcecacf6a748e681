/**
 * A component the panel downloads the first time it renders one (its own chunk: the offline
 * form, order and product cards, the teaser, the list of conversations, the transcript button),
 * so the first view of the chat does not wait for it. Until it is there it renders `fallback` (or
 * nothing); when it arrives, the panel renders again (any signal change does, see state/signal.ts).
 */
import { h, type ComponentChildren, type ComponentType } from 'preact';
import { signal } from './state/signal';

const arrived = signal(0);

export function lazy<P>(load: () => Promise<{ default: ComponentType<P> }>, fallback?: (props: P) => ComponentChildren) {
  let loaded: ComponentType<P> | undefined;
  return (props: P) => {
    if (loaded) return h(loaded as ComponentType<object>, props as object);
    void load().then((m) => {
      loaded = m.default;
      arrived.value++;
    });
    return fallback?.(props) ?? null;
  };
}

/**
 * A lazy chunk's own rules (its CSS imported `?inline`), added when it loads: a constructed
 * sheet, which the panel page's style-src 'self' allows (an inline <style> it would not).
 */
export function adopt(css: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
