/** Files in messages: images as previews (opening full size), PDFs as download links. */
import type { AttachmentRef } from '../../../shared/timeline';
export { attachmentsOf } from '../../../shared/timeline';

export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}


export function AttachmentList({ files }: { files: AttachmentRef[] }) {
  return (
    <ul class="files">
      {files.map((f) => {
        // Only our own relative /files/ URLs are used: nothing from the payload can point elsewhere.
        const href = f.url && f.url.startsWith('/files/') ? f.url : null;
        return (
          <li key={f.id}>
            {f.contentType.startsWith('image/') && href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                <img src={href} alt={f.name} loading="lazy" />
              </a>
            ) : href ? (
              <a class="file-link" href={href} target="_blank" rel="noopener noreferrer" download={f.name}>
                📄 {f.name} · {fileSize(f.size)}
              </a>
            ) : (
              <span class="file-link">
                📎 {f.name} · {fileSize(f.size)}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
