/**
 * A part of the console downloaded the first time it is shown (settings, reports, the emoji
 * picker): the inbox's first load does not carry it. While it loads, `placeholder`; if it cannot
 * be loaded, an alert with `failed`.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>, opts: { placeholder(): JSX.Element | null; failed(): string }) {
  let loaded: ComponentType<P> | null = null;
  return function LazyView(props: P) {
    const [View, setView] = useState(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (View) return;
      load()
        .then((v) => setView(() => (loaded = v)))
        .catch(() => setFailed(true));
    }, []);
    if (View) return <View {...props} />;
    return failed ? (
      <p class="form-error" role="alert">
        {opts.failed()}
      </p>
    ) : (
      opts.placeholder()
    );
  };
}
