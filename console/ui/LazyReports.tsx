/** The reports page, downloaded the first time it is opened (the inbox bundle does not carry it). */
import { useEffect, useState } from 'preact/hooks';
import type { ReportsView } from './ReportsView';
import { strings } from '../state/locale';

let loaded: typeof ReportsView | null = null;

export function LazyReports() {
  const [View, setView] = useState(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (View) return;
    import('./ReportsView')
      .then((m) => setView(() => (loaded = m.ReportsView)))
      .catch(() => setFailed(true));
  }, []);
  if (View) return <View />;
  return failed ? (
    <p class="form-error" role="alert">
      {strings().reportFailed}
    </p>
  ) : (
    <main class="reports-view" aria-busy="true" />
  );
}
