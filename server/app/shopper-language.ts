/**
 * The conversation's language follows the shopper: the language a message is written in (when it
 * says: "ok" or an order number does not), else the widget's language when the site set it
 * explicitly (`Mostrador('locale', …)`). It is stored on the conversation (the assistant's
 * default for messages without a language) and on the visitor (what agents see as "Language").
 */
import type { Locale } from '../../shared/i18n';
import { messageLanguage } from '../domain/nlu';
import type { Store, VisitorRecord } from '../store/types';

/** Updates the conversation's and the visitor's language after a shopper's message. */
export async function followShopperLanguage(
  store: Store,
  siteId: string,
  visitor: VisitorRecord,
  conversationId: string,
  text: string,
  widgetLocale: Locale | undefined,
): Promise<void> {
  const language = (text.trim() ? messageLanguage(text) : null) ?? widgetLocale ?? null;
  if (language === null) return;
  const current = (await store.conversations.botData(siteId, conversationId))?.locale ?? null;
  if (current !== language) await store.conversations.saveBotData(siteId, conversationId, { locale: language });
  if (visitor.locale !== language) {
    await store.visitors.setLocale(siteId, visitor.id, language);
    visitor.locale = language;
  }
}
