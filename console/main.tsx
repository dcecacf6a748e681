import { render } from 'preact';
import { createSession } from './state/session';
import { App } from './ui/App';
import './state/theme';
import './styles.css';

const session = createSession();
void session.load();
render(<App session={session} />, document.getElementById('app')!);
