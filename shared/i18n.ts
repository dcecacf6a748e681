/**
 * Every string a person reads, one table per language. Widget and console import only the
 * table they need (tree-shaken by key object), so adding console strings costs the widget
 * nothing.
 */
export type Locale = 'es' | 'en';
export const LOCALES: readonly Locale[] = ['es', 'en'];

/** Picks a supported locale from candidates such as `<html lang>` and `navigator.languages`. */
export function pickLocale(candidates: readonly (string | null | undefined)[], fallback: Locale = 'en'): Locale {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'es' || base === 'en') return base;
  }
  return fallback;
}

/**
 * The loader's few strings live in their own table: the loader runs on every shop page view,
 * and importing the panel's table would ship all of it there.
 */
export const LOADER_STRINGS = {
  en: { openChat: 'Open chat', closeChat: 'Close chat', frameTitle: 'Chat with the shop', unread: 'unread messages' },
  es: { openChat: 'Abrir chat', closeChat: 'Cerrar chat', frameTitle: 'Chat con la tienda', unread: 'mensajes sin leer' },
} as const satisfies Record<Locale, Record<string, string>>;

export const WIDGET_STRINGS = {
  en: {
    headerTitle: 'Chat',
    headerSubtitle: 'We usually reply in a few minutes',
    message: 'Message',
    messagePlaceholder: 'Write a message…',
    send: 'Send',
    close: 'Close',
    you: 'You',
    agent: 'Agent',
    bot: 'Assistant',
    sending: 'Sending…',
    sent: 'Sent',
    failed: 'Not sent',
    retry: 'Retry',
    reconnecting: 'Reconnecting…',
    offline: 'You are offline. Messages will be sent when you reconnect.',
    empty: 'Hi! How can we help you today?',
    log: 'Conversation',
    tooLong: 'Message is too long',
  },
  es: {
    headerTitle: 'Chat',
    headerSubtitle: 'Solemos responder en pocos minutos',
    message: 'Mensaje',
    messagePlaceholder: 'Escribe un mensaje…',
    send: 'Enviar',
    close: 'Cerrar',
    you: 'Tú',
    agent: 'Agente',
    bot: 'Asistente',
    sending: 'Enviando…',
    sent: 'Enviado',
    failed: 'No enviado',
    retry: 'Reintentar',
    reconnecting: 'Reconectando…',
    offline: 'Sin conexión. Los mensajes se enviarán al reconectar.',
    empty: '¡Hola! ¿En qué podemos ayudarte?',
    log: 'Conversación',
    tooLong: 'El mensaje es demasiado largo',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type WidgetStrings = { [K in keyof (typeof WIDGET_STRINGS)['en']]: string };

export const CONSOLE_STRINGS = {
  en: {
    appName: 'Mostrador',
    signInTitle: 'Sign in to your inbox',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    badCredentials: 'Email or password is not correct.',
    tooManyAttempts: 'Too many attempts. Try again in a minute.',
    networkError: 'Could not reach the server. Check your connection.',
    conversations: 'Conversations',
    noConversations: 'No conversations yet.',
    selectConversation: 'Select a conversation to read and reply.',
    reply: 'Reply',
    replyPlaceholder: 'Write a reply… (Enter to send, Shift+Enter for a new line)',
    send: 'Send',
    visitor: 'Visitor',
    you: 'You',
    bot: 'Assistant',
    sending: 'Sending…',
    failed: 'Not sent',
    retry: 'Retry',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    language: 'Language',
    status_bot: 'Bot',
    status_queued: 'Waiting',
    status_assigned: 'Assigned',
    status_resolved: 'Resolved',
    messages: 'Messages',
  },
  es: {
    appName: 'Mostrador',
    signInTitle: 'Entra en tu bandeja',
    email: 'Email',
    password: 'Contraseña',
    signIn: 'Entrar',
    signingIn: 'Entrando…',
    signOut: 'Salir',
    badCredentials: 'El email o la contraseña no son correctos.',
    tooManyAttempts: 'Demasiados intentos. Prueba de nuevo en un minuto.',
    networkError: 'No se pudo contactar con el servidor. Revisa tu conexión.',
    conversations: 'Conversaciones',
    noConversations: 'Aún no hay conversaciones.',
    selectConversation: 'Elige una conversación para leerla y responder.',
    reply: 'Responder',
    replyPlaceholder: 'Escribe una respuesta… (Intro para enviar, Mayús+Intro para salto de línea)',
    send: 'Enviar',
    visitor: 'Visitante',
    you: 'Tú',
    bot: 'Asistente',
    sending: 'Enviando…',
    failed: 'No enviado',
    retry: 'Reintentar',
    connected: 'Conectado',
    reconnecting: 'Reconectando…',
    language: 'Idioma',
    status_bot: 'Bot',
    status_queued: 'En espera',
    status_assigned: 'Asignada',
    status_resolved: 'Resuelta',
    messages: 'Mensajes',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type ConsoleStrings = { [K in keyof (typeof CONSOLE_STRINGS)['en']]: string };
