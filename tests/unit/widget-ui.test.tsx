import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WIDGET_STRINGS } from '../../shared/i18n';
import { ORDER_STATUS_LABELS } from '../../shared/cards';
import type { TimelineItem } from '../../shared/timeline';
import { Composer } from '../../widget/app/ui/Composer';
import { MessageList } from '../../widget/app/ui/MessageList';
import { Card } from '../../widget/app/ui/Card';
import { ProfileForm } from '../../widget/app/ui/ProfileForm';
import { Teaser } from '../../widget/app/ui/Teaser';

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

describe('Card', () => {
  const order = {
    type: 'order' as const,
    order: {
      number: '1001',
      status: 'shipped' as const,
      items: [{ name: 'Café de Etiopía', quantity: 2 }],
      total: 2900,
      currency: 'EUR',
      carrier: 'Correos Express',
      trackingNumber: 'CE123',
      trackingUrl: 'https://track.example/CE123',
    },
  };

  it('shows an order: number, status, items, total and a safe tracking link', () => {
    render(<Card card={order} t={es} locale="es" latest onQuickReply={() => {}} />);
    const group = screen.getByRole('group', { name: `${es.order} #1001` });
    expect(group.textContent).toContain(ORDER_STATUS_LABELS.es.shipped);
    expect(group.textContent).toContain('2 × Café de Etiopía');
    expect(group.textContent).toMatch(/29,00\s€/);
    const link = screen.getByRole('link', { name: es.trackPackage });
    expect(link.getAttribute('href')).toBe('https://track.example/CE123');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('never links a tracking URL that is not http(s)', () => {
    render(<Card card={{ ...order, order: { ...order.order, trackingUrl: 'javascript:alert(1)' } }} t={en} locale="en" latest onQuickReply={() => {}} />);
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('offers quick replies only on the latest message, and sends the one picked', () => {
    const onQuickReply = vi.fn();
    const card = { type: 'quick_replies' as const, options: ['Sí', 'No'] };
    const { rerender } = render(<Card card={card} t={es} locale="es" latest onQuickReply={onQuickReply} />);
    fireEvent.click(screen.getByRole('button', { name: 'No' }));
    expect(onQuickReply).toHaveBeenCalledWith('No');
    rerender(<Card card={card} t={es} locale="es" latest={false} onQuickReply={onQuickReply} />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('ProfileForm', () => {
  it('asks for a valid email (labelled, announced), then saves name and email', () => {
    const onSave = vi.fn();
    render(<ProfileForm t={en} mode="prechat" initial={{ name: null, email: null }} onSave={onSave} />);
    fireEvent.input(screen.getByLabelText(en.yourName), { target: { value: ' Ana ' } });
    fireEvent.input(screen.getByLabelText(en.yourEmail), { target: { value: 'not-an-email' } });
    fireEvent.click(screen.getByRole('button', { name: en.startChat }));
    expect(screen.getByRole('alert').textContent).toBe(en.invalidEmail);
    expect(onSave).not.toHaveBeenCalled();
    fireEvent.input(screen.getByLabelText(en.yourEmail), { target: { value: 'ana@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: en.startChat }));
    expect(onSave).toHaveBeenCalledWith({ email: 'ana@example.com', name: 'Ana' });
  });

  it('in offline mode says nobody is online and asks only for the email', () => {
    render(<ProfileForm t={es} mode="offline" initial={{ name: null, email: null }} onSave={() => {}} />);
    expect(screen.getByRole('form').textContent).toContain(es.offlineTitle);
    expect(screen.queryByLabelText(es.yourName)).toBeNull();
    expect(screen.getByLabelText(es.yourEmail)).toBeTruthy();
  });
});

describe('Teaser', () => {
  it('shows who wrote and what, as text; opens on click and can be dismissed', () => {
    const onOpen = vi.fn();
    const onDismiss = vi.fn();
    render(<Teaser t={es} name="Ana" text={'<img src=x onerror=alert(1)> ¿Te ayudo?'} onOpen={onOpen} onDismiss={onDismiss} />);
    const dialog = screen.getByRole('dialog', { name: 'Mensaje nuevo de Ana' });
    expect(dialog.querySelector('img')).toBeNull();
    expect(dialog.textContent).toContain('<img src=x onerror=alert(1)> ¿Te ayudo?');
    fireEvent.click(screen.getByRole('button', { name: /¿Te ayudo\?/ }));
    expect(onOpen).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: es.teaserDismiss }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });
});
