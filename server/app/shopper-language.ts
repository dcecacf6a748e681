/**
 * The conversation's language follows the shopper: the language a message is written in (when it
 * says: "ok" or an order number does not), else the widget's language when the site set it
 * explicitly (`Mostrador('locale', …)`). It is stored on the conversation (the assistant's
 * default for messages without a language) and on the visitor (what agents see as "Language"),
 * in the transaction of the shopper's message (see `sendShopperMessage`).
 */
import type { Locale } from '../../shared/i18n';
import { messageLanguage } from '../domain/nlu';

/** The language a shopper's message sets, or null when it tells nothing. */
export function shopperLanguage(text: string, widgetLocale: Locale | undefined): Locale | null {
  return (text.trim() ? messageLanguage(text) : null) ?? widgetLocale ?? null;
}
