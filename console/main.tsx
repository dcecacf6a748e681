import { render } from 'preact';
import { createSession } from './state/session';
import { App } from './ui/App';
import './state/theme';
import './styles.css';

const session = createSession();
void session.load();
render(<App session={session} />, document.getElementById('app')!);

// Installable, and the shell opens without a network (the worker caches nothing else).
if ('serviceWorker' in navigator) {
  addEventListener('load', () => void navigator.serviceWorker.register('/console/sw.js', { scope: '/console/' }).catch(() => undefined));
}
