/** The console's composer with files: the paperclip, paste and drop; progress, refusals in es/en, remove, and what a send carries. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttachmentRef } from '../../shared/timeline';
import { locale } from '../../console/state/locale';
import { checkFile, createDraftFiles, uploadErrorOf } from '../../console/state/uploads';
import { ReplyBox } from '../../console/ui/ReplyBox';

afterEach(cleanup);

const png = (name: string, size = 100) => new File([new Uint8Array(size)], name, { type: 'image/png' });

function setup(upload: (file: File, onProgress: (p: number) => void) => Promise<AttachmentRef>) {
  const sent: { text: string; kind: string; attachments: AttachmentRef[] | undefined }[] = [];
  const draftFiles = createDraftFiles(upload);
  const drafts = new Map();
  const box = (conversationId: string) => (
    <ReplyBox
      key={conversationId}
      conversationId={conversationId}
      onSend={(text, kind, _byEmail, attachments) => sent.push({ text, kind, attachments })}
      onTyping={() => undefined}
      drafts={drafts}
      canned={[]}
      lang="es"
      values={() => ({})}
      draftFiles={draftFiles}
    />
  );
  const { rerender } = render(box('cv_1'));
  const open = (conversationId: string) => rerender(box(conversationId));
  const input = document.querySelector('input[type=file]') as HTMLInputElement;
  const pick = (files: File[]) => {
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    fireEvent.change(input);
  };
  return { sent, pick, open };
}

/** The refusals shown beside the files (not the composer's other alerts). */
const refusals = () => [...document.querySelectorAll('.draft-files [role=alert]')].map((a) => a.textContent);

const stored = (file: File, id: string): AttachmentRef => ({ id, name: file.name, contentType: file.type, size: file.size, url: `/files/${id}/${file.name}?exp=1&sig=x` });

describe('files in the console composer', () => {
  it('uploads a picked file with progress, previews it, and sends it with the message (even without text)', async () => {
    locale.value = 'en';
    let finish!: () => void;
    const { sent, pick } = setup((file, onProgress) => {
      onProgress(40);
      return new Promise((resolve) => (finish = () => resolve(stored(file, 'file_1'))));
    });
    expect(screen.getByRole('button', { name: /Attach a file/ })).toBeTruthy();
    pick([png('etiqueta-devolucion.png')]);
    const progress = await screen.findByLabelText('Uploading etiqueta-devolucion.png');
    expect((progress as HTMLProgressElement).value).toBe(40);
    // Not sendable while it uploads.
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    finish();
    const preview = await screen.findByRole('img', { name: 'etiqueta-devolucion.png' });
    expect(preview.getAttribute('src')).toMatch(/^\/files\/file_1\//);
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false);
    fireEvent.submit(screen.getByRole('button', { name: 'Send' }).closest('form')!);
    expect(sent).toEqual([{ text: '', kind: 'text', attachments: [expect.objectContaining({ id: 'file_1' })] }]);
    // The composer is empty again.
    expect(screen.queryByRole('list', { name: 'Files for this message' })).toBeNull();
  });

  it('takes a pasted image and dropped files, and a removed file is not sent', async () => {
    locale.value = 'en';
    let n = 0;
    const { sent } = setup(async (file) => stored(file, `file_${++n}`));
    const box = screen.getByLabelText('Reply');
    const pasted = png('image.png');
    fireEvent.paste(box, { clipboardData: { files: [pasted], items: [] } });
    await screen.findByRole('img', { name: 'image.png' });
    const form = box.closest('form')!;
    fireEvent.drop(form, { dataTransfer: { files: [png('factura.png')], items: [], types: ['Files'] } });
    await screen.findByRole('img', { name: 'factura.png' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove: image.png' }));
    expect(screen.queryByRole('img', { name: 'image.png' })).toBeNull();
    fireEvent.input(box, { target: { value: 'Aquí tienes la factura' } });
    fireEvent.submit(form);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe('Aquí tienes la factura');
    expect(sent[0]!.attachments!.map((a) => a.name)).toEqual(['factura.png']);
  });

  it('says why a file is refused, in Spanish and English, and sends without it', async () => {
    locale.value = 'es';
    const { pick, sent } = setup(async () => Promise.reject('unsupported'));
    pick([new File([new Uint8Array(11 * 1024 * 1024)], 'enorme.png', { type: 'image/png' })]);
    await waitFor(() => expect(refusals()).toEqual(['Demasiado grande: el límite es de 10 MB por archivo.']));
    pick([new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' })]);
    await waitFor(() => expect(refusals()).toContain('Tipo no admitido: envía imágenes PNG, JPEG, GIF o WebP, o archivos PDF.'));
    // The server read the bytes and refused a disguised one.
    pick([png('disfrazado.png')]);
    await waitFor(() => expect(refusals()).toHaveLength(3));
    expect((screen.getByRole('button', { name: 'Enviar' }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    locale.value = 'en';
    const en = setup(async () => Promise.reject('rate_limited'));
    en.pick([png('one.png')]);
    await waitFor(() => expect(refusals()).toEqual(['Too many files at once. Wait a moment and attach it again.']));
    expect(sent).toEqual([]);
  });

  it('allows at most five files in one message', async () => {
    locale.value = 'en';
    const { pick } = setup(async (file) => stored(file, file.name));
    pick([1, 2, 3, 4, 5, 6].map((i) => png(`p${i}.png`)));
    await waitFor(() => expect(refusals()).toEqual(['At most 5 files in one message.']));
    await waitFor(() => expect(screen.getAllByRole('img')).toHaveLength(5));
  });
});

describe('files kept across chats', () => {
  it('keeps a chat’s files (and their upload) while the agent looks at another chat', async () => {
    locale.value = 'en';
    let finish!: () => void;
    const { pick, open, sent } = setup((file) => new Promise((resolve) => (finish = () => resolve(stored(file, 'file_9')))));
    pick([png('albaran.png')]);
    await screen.findByLabelText('Uploading albaran.png');
    open('cv_2');
    expect(screen.queryByRole('list', { name: 'Files for this message' })).toBeNull();
    finish(); // the upload ends while another chat is shown
    await new Promise((r) => setTimeout(r, 0));
    open('cv_1');
    await screen.findByRole('img', { name: 'albaran.png' });
    fireEvent.submit(screen.getByRole('button', { name: 'Send' }).closest('form')!);
    expect(sent).toEqual([{ text: '', kind: 'text', attachments: [expect.objectContaining({ id: 'file_9' })] }]);
  });
});

describe('upload checks', () => {
  it('refuses empty, too big and unknown types before uploading; maps the server’s answers', () => {
    expect(checkFile({ size: 0, type: 'image/png' })).toBe('empty');
    expect(checkFile({ size: 10 * 1024 * 1024 + 1, type: 'image/png' })).toBe('too_large');
    expect(checkFile({ size: 10, type: 'text/html' })).toBe('unsupported');
    expect(checkFile({ size: 10, type: 'application/pdf' })).toBeNull();
    expect(checkFile({ size: 10, type: '' })).toBeNull();
    expect(uploadErrorOf(413)).toBe('too_large');
    expect(uploadErrorOf(415)).toBe('unsupported');
    expect(uploadErrorOf(429)).toBe('rate_limited');
    expect(uploadErrorOf(400, 'empty')).toBe('empty');
    expect(uploadErrorOf(403, 'csrf')).toBe('failed');
  });
});
