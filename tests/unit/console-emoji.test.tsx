/** The composer's emoji picker: loaded when opened, labelled in es/en, searchable, keyboard navigable, inserts at the caret. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../../console/state/locale';
import { COLUMNS, EMOJI, searchEmoji } from '../../console/ui/EmojiPicker';
import { ReplyBox } from '../../console/ui/ReplyBox';

afterEach(cleanup);

function composer() {
  const sent: string[] = [];
  render(
    <ReplyBox conversationId="cv_1" onSend={(text) => sent.push(text)} onTyping={() => undefined} drafts={new Map()} canned={[]} lang="es" values={() => ({})} />,
  );
  return sent;
}

describe('emoji picker', () => {
  it('every category fills whole rows, so ↑/↓ move straight up and down', () => {
    for (const [, , list] of EMOJI) expect(list.length % COLUMNS).toBe(0);
    expect(new Set(EMOJI.flatMap(([, , l]) => l.map(([e]) => e))).size).toBe(EMOJI.flatMap(([, , l]) => l).length);
  });

  it('finds by the name in either language, without accents', () => {
    expect(searchEmoji('camion').map(([e]) => e)).toEqual(['🚚']);
    expect(searchEmoji('truck').map(([e]) => e)).toEqual(['🚚']);
    expect(searchEmoji('PAQUETE').map(([e]) => e)).toEqual(['📦']);
    expect(searchEmoji('zzz')).toEqual([]);
  });

  it('opens from a labelled button, inserts at the caret by keyboard, and closes back to typing', async () => {
    locale.value = 'es';
    const sent = composer();
    const box = screen.getByLabelText('Responder') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: 'Gracias !' } });
    box.setSelectionRange(8, 8);
    const button = screen.getByRole('button', { name: 'Emoji' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Emoji' });
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const search = await screen.findByRole('searchbox', { name: 'Buscar emoji' });
    await waitFor(() => expect(document.activeElement).toBe(search));
    // Spanish names label the cells; one cell is in the tab order at a time.
    const first = screen.getByRole('button', { name: 'cara sonriente' });
    expect(dialog.querySelectorAll('.emoji[tabindex="0"]')).toHaveLength(1);
    // ↓ from the search box into the grid, → to the next one, ↓ a row down.
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(first));
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('cara feliz'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    const below = EMOJI[0]![2][1 + COLUMNS]!;
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe(below[2]));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('campana'));
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    await waitFor(() => expect(document.activeElement).toBe(first));
    fireEvent.click(document.activeElement!);
    expect(box.value).toBe('Gracias 😀!');
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(box));
    // Search, then Enter inserts the first match.
    fireEvent.click(button);
    const again = await screen.findByRole('searchbox', { name: 'Buscar emoji' });
    fireEvent.input(again, { target: { value: 'paquete' } });
    expect(screen.getByRole('group', { name: 'Resultados' })).toBeTruthy();
    fireEvent.keyDown(again, { key: 'Enter' });
    expect(box.value).toContain('📦');
    // Escape closes without inserting, and focus goes back to the button.
    fireEvent.click(button);
    const third = await screen.findByRole('searchbox', { name: 'Buscar emoji' });
    fireEvent.keyDown(third, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    fireEvent.submit(box.closest('form')!);
    expect(sent).toHaveLength(1);
  });

  it('is labelled in English too', async () => {
    locale.value = 'en';
    composer();
    fireEvent.click(screen.getByRole('button', { name: 'Emoji' }));
    expect(await screen.findByRole('searchbox', { name: 'Search emoji' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'delivery truck' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Shop' })).toBeTruthy();
  });
});
