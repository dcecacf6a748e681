/** Tags on conversations, as the console suggests them (pure: the rules are in shared/tags.ts). */
import { normaliseTag } from '../../shared/tags';

/** The tag suggested for an intent of the assistant, in the console's language (null: none). */
export function suggestedTag(intent: string | null | undefined, t: Record<string, string>): string | null {
  const word = intent ? t[`tagFor_${intent}`] : undefined;
  return word ? normaliseTag(word) : null;
}
