/**
 * An agent's files for the next message (a return label, an invoice): checked here as the server
 * will (10 MB; PNG, JPEG, GIF, WebP or PDF — the server decides by the bytes), then uploaded to
 * POST /api/uploads/agent with the session cookie and the CSRF token, with progress. A stored file
 * is claimed by the message that carries its id (once, by its uploader, on their site).
 */
import { signal } from '@preact/signals';
import type { AttachmentRef } from '../../shared/timeline';
import { csrfToken } from './api';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** At most this many files in one message (the protocol's limit). */
export const MAX_FILES = 5;
export const ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'];

export type UploadError = 'too_large' | 'unsupported' | 'too_many' | 'rate_limited' | 'empty' | 'failed';

export interface DraftFile {
  key: string;
  name: string;
  /** 0–100 while uploading. */
  progress: number;
  error: UploadError | null;
  /** Set once the server stored it: what the message attaches. */
  stored: AttachmentRef | null;
}

/** Why a file cannot be sent, before uploading it; null when it may go. */
export function checkFile(file: { size: number; type: string }): UploadError | null {
  if (file.size === 0) return 'empty';
  if (file.size > MAX_FILE_BYTES) return 'too_large';
  // An empty type (some drag sources) is left to the server, which reads the bytes.
  if (file.type && !ACCEPTED_TYPES.includes(file.type)) return 'unsupported';
  return null;
}

/** The error an upload's HTTP answer means. */
export function uploadErrorOf(status: number, code?: string): UploadError {
  if (status === 413 || code === 'too_large') return 'too_large';
  if (status === 415 || code === 'unsupported_type') return 'unsupported';
  if (status === 429) return 'rate_limited';
  if (code === 'empty') return 'empty';
  return 'failed';
}

/** Files pasted from the clipboard or dropped: those of a DataTransfer (images pasted have a generic name). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const out: File[] = [];
  for (const f of Array.from(data.files ?? [])) out.push(f);
  if (out.length === 0) {
    for (const item of Array.from(data.items ?? [])) {
      if (item.kind !== 'file') continue;
      const f = item.getAsFile();
      if (f) out.push(f);
    }
  }
  return out;
}

/** Uploads one file; resolves with the stored file, rejects with an UploadError. */
export function uploadFile(file: File, onProgress: (percent: number) => void, url = '/api/uploads/agent'): Promise<AttachmentRef> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name || 'file'));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject('failed' satisfies UploadError);
    xhr.onload = () => {
      let body: { code?: string } & Partial<AttachmentRef> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON */
      }
      if (xhr.status !== 201 || typeof body.id !== 'string') return reject(uploadErrorOf(xhr.status, body.code));
      resolve({ id: body.id, name: String(body.name), contentType: String(body.contentType), size: Number(body.size), ...(body.url ? { url: body.url } : {}) });
    };
    xhr.send(file);
  });
}

type Upload = (file: File, onProgress: (percent: number) => void) => Promise<AttachmentRef>;

let keys = 0;

/**
 * The files of each conversation's next message, kept while the agent switches chats (an upload
 * goes on meanwhile), like the text drafts.
 */
export function createDraftFiles(upload: Upload = uploadFile) {
  const all = signal<ReadonlyMap<string, DraftFile[]>>(new Map());
  const get = (conversationId: string): DraftFile[] => all.value.get(conversationId) ?? [];
  function set(conversationId: string, list: DraftFile[]): void {
    const next = new Map(all.value);
    if (list.length) next.set(conversationId, list);
    else next.delete(conversationId);
    all.value = next;
  }
  function patch(conversationId: string, key: string, change: Partial<DraftFile>): void {
    const list = get(conversationId);
    if (list.some((f) => f.key === key)) set(conversationId, list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }

  /** Adds files: each is checked (at most MAX_FILES), then uploaded with its progress. */
  function add(conversationId: string, picked: File[]): void {
    if (picked.length === 0) return;
    let room = MAX_FILES - get(conversationId).filter((f) => !f.error).length;
    const added = picked.map((file) => {
      const refused: UploadError | null = checkFile(file) ?? (room > 0 ? null : 'too_many');
      if (!refused) room--;
      return { file, draft: { key: `f${++keys}`, name: file.name || 'file', progress: 0, error: refused, stored: null } satisfies DraftFile };
    });
    set(conversationId, [...get(conversationId), ...added.map((a) => a.draft)]);
    for (const { file, draft } of added) {
      if (draft.error) continue;
      upload(file, (progress) => patch(conversationId, draft.key, { progress })).then(
        (stored) => patch(conversationId, draft.key, { stored, progress: 100 }),
        (err: unknown) => patch(conversationId, draft.key, { error: typeof err === 'string' ? (err as UploadError) : 'failed' }),
      );
    }
  }

  return {
    get,
    add,
    remove: (conversationId: string, key: string) => set(conversationId, get(conversationId).filter((f) => f.key !== key)),
    clear: (conversationId: string) => set(conversationId, []),
  };
}

export type DraftFiles = ReturnType<typeof createDraftFiles>;
