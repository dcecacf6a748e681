import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WIDGET_STRINGS } from '../../shared/i18n';
import type { TimelineItem } from '../../shared/timeline';
import { Composer } from '../../widget/app/ui/Composer';
import { MessageList } from '../../widget/app/ui/MessageList';

afterEach(cleanup);
const es = WIDGET_STRINGS.es;
const en = WIDGET_STRINGS.en;

const item = (over: Partial<TimelineItem>): TimelineItem => ({
  key: 'k1',
  seq: 1,
  clientId: null,
  author: { kind: 'agent', name: 'Ana' },
  kind: 'text',
  text: 'hola',
  payload: null,
  createdAt: Date.UTC(2026, 0, 1, 10, 30),
  state: 'sent',
  ...over,
});

describe('Composer', () => {
  it('is labelled and sends on Enter, not on Shift+Enter', () => {
    const onSend = vi.fn();
    render(<Composer t={es} onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Mensaje' });
    fireEvent.input(box, { target: { value: 'Hola' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('Hola');
  });

  it('disables Send for blank text and explains text that is too long', () => {
    const onSend = vi.fn();
    render(<Composer t={en} onSend={onSend} />);
    const send = screen.getByRole('button', { name: 'Send' });
    expect((send as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'x'.repeat(4001) } });
    expect(screen.getByRole('alert').textContent).toBe(en.tooLong);
    expect((send as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('MessageList', () => {
  it('is a labelled log and renders user text as text, never HTML', () => {
    const { container } = render(
      <MessageList items={[item({ text: '<img src=x onerror=alert(1)><b>hola</b>' })]} t={es} locale="es" onRetry={() => {}} />,
    );
    const log = screen.getByRole('log');
    expect(log.getAttribute('aria-label')).toBe(es.log);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(log.textContent).toContain('<img src=x onerror=alert(1)><b>hola</b>');
  });

  it('links only http(s) URLs, with safe rel', () => {
    const { container } = render(
      <MessageList items={[item({ text: 'mira https://correos.es/t?id=1 y javascript:alert(1)' })]} t={es} locale="es" onRetry={() => {}} />,
    );
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://correos.es/t?id=1');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('shows sending and failed states for the shopper’s own messages, with retry', () => {
    const onRetry = vi.fn();
    render(
      <MessageList
        items={[
          item({ key: 'a1', seq: null, author: { kind: 'visitor' }, state: 'sending', text: 'uno' }),
          item({ key: 'a2', seq: null, author: { kind: 'visitor' }, state: 'failed', text: 'dos' }),
        ]}
        t={es}
        locale="es"
        onRetry={onRetry}
      />,
    );
    expect(screen.getByRole('log').textContent).toContain(es.sending);
    fireEvent.click(screen.getByRole('button', { name: es.retry }));
    expect(onRetry).toHaveBeenCalledWith('a2');
  });
});
