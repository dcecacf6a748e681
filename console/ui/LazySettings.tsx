/** The settings pages, downloaded the first time they are opened (the inbox bundle does not carry them). */
import { useEffect, useState } from 'preact/hooks';
import type { Settings } from './settings/Settings';
import { strings } from '../state/locale';

let loaded: typeof Settings | null = null;

export function LazySettings({ meId }: { meId: string }) {
  const [View, setView] = useState(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (View) return;
    import('./settings/Settings')
      .then((m) => setView(() => (loaded = m.Settings)))
      .catch(() => setFailed(true));
  }, []);
  if (View) return <View meId={meId} />;
  return failed ? (
    <p class="form-error" role="alert">
      {strings().settingsFailed}
    </p>
  ) : (
    <main class="settings" aria-busy="true" />
  );
}
