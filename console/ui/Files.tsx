/** Attachments in the agent's transcript: image previews and file links (our /files/ URLs only). */
import { attachmentsOf } from '../../shared/timeline';

export function Files({ payload }: { payload: Record<string, unknown> | null }) {
  const files = attachmentsOf(payload);
  if (files.length === 0) return null;
  return (
    <ul class="files">
      {files.map((f) => {
        const href = f.url && f.url.startsWith('/files/') ? f.url : null;
        return (
          <li key={f.id}>
            {href && f.contentType.startsWith('image/') ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                <img src={href} alt={f.name} loading="lazy" />
              </a>
            ) : href ? (
              <a href={href} target="_blank" rel="noopener noreferrer" download={f.name}>
                📄 {f.name}
              </a>
            ) : (
              <span>📎 {f.name}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
