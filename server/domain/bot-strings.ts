/**
 * Everything the built-in bot says, one table per language. `satisfies Record<Locale, BotStrings>`
 * makes a missing or extra string in either language a type error.
 *
 * Order lookups: `lookupFailed` is the single reply for a wrong number AND a wrong email, so the
 * bot never reveals whether an order number exists.
 */
import type { Locale } from '../../shared/i18n';
import type { Weekday } from './hours';

export type BotOrderStatus = 'pending' | 'paid' | 'fulfilled' | 'shipped' | 'delivered' | 'cancelled' | 'returned';

export interface BotStrings {
  greeting: string;
  thanks: string;
  notUnderstood: string;
  stillNeedOrderDetails: string;
  handoff: string;
  /** The one hand-off message when the bot knows why a person is needed. */
  handoffFor: { cancel_order: string; change_order: string; payment_problem: string; complaint: string; product_question: string; order_late: string };
  /** Added to a hand-off about an order the bot could not identify. */
  handoffAskNumber: string;
  /** A photo or file: the bot cannot look at it. Said before the hand-off message. */
  fileReceived: string;
  /** The hand-off for a photo or file when someone of the team is there. */
  handoffFile: string;
  /** One clarifying question before giving up, with its quick replies (each understood as an answer). */
  clarify: string;
  clarifyOptions: readonly [string, string, string, string];
  /** After showing a late order: a person can look into it. */
  lateOffer: string;
  talkToPersonOption: string;
  askOrderDetailsLate: string;
  /** `when` is a phrase from `when.*` ("tomorrow at 09:00"). */
  handoffOffHours: (when: string) => string;
  handoffOffHoursNoOpening: string;
  /** Open hours, but nobody of the team is signed in. */
  handoffNobodyOnline: string;
  emailSaved: (email: string) => string;
  askOrderDetails: string;
  askOrderEmail: string;
  askOrderNumber: string;
  lookupFailed: (attemptsLeft: number) => string;
  lookupFailedFinal: string;
  lookupLocked: string;
  orderFound: (orderNumber: string) => string;
  recentOrders: string;
  noOrders: string;
  shippingFallback: string;
  returnsFallback: string;
  openNow: string;
  closedNow: (when: string) => string;
  closedNoOpening: string;
  noHours: string;
  hoursHeader: string;
  closedDay: string;
  weekdays: Record<Weekday, string>;
  /** January first. */
  months: readonly [string, string, string, string, string, string, string, string, string, string, string, string];
  when: {
    today: (time: string) => string;
    tomorrow: (time: string) => string;
    weekday: (day: string, time: string) => string;
    date: (day: number, month: string, time: string) => string;
  };
  orderStatus: Record<BotOrderStatus, string>;
}

/** Spanish says "a la 01:30" but "a las 09:00". */
const aLas = (time: string): string => (time.startsWith('01:') ? `a la ${time}` : `a las ${time}`);

export const BOT_STRINGS = {
  en: {
    greeting: "Hi! I'm the shop's assistant. I can tell you where your order is, answer questions about shipping, returns and opening hours, or put you through to a person.",
    thanks: "You're welcome! Anything else I can help with?",
    notUnderstood:
      'Sorry, I didn\'t understand that. I can help with your order status, shipping, returns and opening hours, or write "person" to talk to someone from the team.',
    stillNeedOrderDetails: "Sorry, I didn't get that. To check your order I need the order number and the email you used to place it.",
    handoff: "I'm putting you through to a person. They'll be with you shortly.",
    handoffFor: {
      cancel_order: "I'm passing you to a person from the team who can cancel it for you. They'll be with you shortly.",
      change_order: "I'm passing you to a person from the team who can change your order. They'll be with you shortly.",
      payment_problem: "Sorry about that. I'm passing you to a person from the team who will look at the payment. They'll be with you shortly.",
      complaint: "I'm sorry about that. I'm passing you to a person from the team who will sort it out. They'll be with you shortly.",
      product_question: "I don't have that information, but someone from the team does. I'm passing you to them; they'll be with you shortly.",
      order_late: "I'm passing you to a person from the team who will look into your delivery. They'll be with you shortly.",
    },
    handoffAskNumber: 'If you have your order number, write it here so they can find it faster.',
    fileReceived: "Thanks, I've got your file.",
    handoffFile: "I'm passing it to a person from the team who will look at it. They'll be with you shortly.",
    clarify: 'So I can help: is it about an order, a return or shipping?',
    clarifyOptions: ['An order', 'A return', 'Shipping', 'Talk to a person'],
    lateOffer: "If it still hasn't arrived or something looks wrong, I can pass you to a person.",
    talkToPersonOption: 'Talk to a person',
    askOrderDetailsLate: "Sorry it's taking a while. Let me check: send me your order number and the email you used to place the order.",
    // The widget asks for the email (once, in its own form): these do not ask again.
    handoffOffHours: (when) => `Our team is away right now and will be back ${when}. I've passed your message on.`,
    handoffOffHoursNoOpening: "Our team is away right now. I've passed your message on.",
    handoffNobodyOnline: "Nobody from the team is online right now. I've passed your message on and we'll answer as soon as someone is back.",
    emailSaved: (email) => `Thanks! We'll write to ${email} as soon as we're back.`,
    askOrderDetails: 'I can check that for you. Please send me your order number and the email you used to place the order.',
    askOrderEmail: 'Thanks. Now the email you used to place the order, please.',
    askOrderNumber: 'Thanks. And the order number, please?',
    lookupFailed: (left) =>
      `I couldn't find an order with those details. Please check the order number and the email and try again (${left} ${left === 1 ? 'attempt' : 'attempts'} left).`,
    lookupFailedFinal: "I couldn't find an order with those details, and I can't try again in this chat.",
    lookupLocked: "I can't look up more orders in this chat.",
    orderFound: (n) => `Here is your order ${n}:`,
    recentOrders: 'Here are your recent orders:',
    noOrders: "I can't see any orders on your account. If you ordered as a guest, send me the order number and the email you used.",
    shippingFallback: 'I don\'t have the shipping details at hand. Write "person" and someone from the team will tell you.',
    returnsFallback: 'I don\'t have the returns details at hand. Write "person" and someone from the team will explain how to return an item.',
    openNow: "We're open right now.",
    closedNow: (when) => `We're closed right now; we'll be back ${when}.`,
    closedNoOpening: "We're closed right now.",
    noHours: "We don't have fixed opening hours: write any time and we'll answer as soon as we can.",
    hoursHeader: 'Our opening hours:',
    closedDay: 'closed',
    weekdays: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' },
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    when: {
      today: (t) => `today at ${t}`,
      tomorrow: (t) => `tomorrow at ${t}`,
      weekday: (d, t) => `on ${d} at ${t}`,
      date: (d, m, t) => `on ${d} ${m} at ${t}`,
    },
    orderStatus: {
      pending: 'Pending',
      paid: 'Paid',
      fulfilled: 'Ready to ship',
      shipped: 'Shipped',
      delivered: 'Delivered',
      cancelled: 'Cancelled',
      returned: 'Returned',
    },
  },
  es: {
    greeting:
      '¡Hola! Soy el asistente de la tienda. Puedo decirte dónde está tu pedido, resolver dudas sobre envíos, devoluciones y horario, o pasarte con una persona.',
    thanks: '¡De nada! ¿Te puedo ayudar con algo más?',
    notUnderstood:
      'Perdona, no lo he entendido. Puedo ayudarte con el estado de tu pedido, envíos, devoluciones y horario, o escribe «persona» para hablar con alguien del equipo.',
    stillNeedOrderDetails: 'Perdona, no lo he entendido. Para consultar tu pedido necesito el número de pedido y el email con el que lo hiciste.',
    handoff: 'Te paso con una persona. Enseguida te atienden.',
    handoffFor: {
      cancel_order: 'Te paso con una persona del equipo que puede anularlo. Enseguida te atienden.',
      change_order: 'Te paso con una persona del equipo que puede cambiar tu pedido. Enseguida te atienden.',
      payment_problem: 'Perdona las molestias. Te paso con una persona del equipo que revisará el pago. Enseguida te atienden.',
      complaint: 'Siento lo ocurrido. Te paso con una persona del equipo que lo resolverá. Enseguida te atienden.',
      product_question: 'No tengo ese dato, pero alguien del equipo sí. Te paso con una persona; enseguida te atienden.',
      order_late: 'Te paso con una persona del equipo que revisará la entrega. Enseguida te atienden.',
    },
    handoffAskNumber: 'Si tienes el número de pedido, escríbelo aquí y lo encontrarán antes.',
    fileReceived: 'Gracias, he recibido tu archivo.',
    handoffFile: 'Se lo paso a una persona del equipo que lo revisará. Enseguida te atienden.',
    clarify: 'Para ayudarte: ¿es sobre un pedido, una devolución o un envío?',
    clarifyOptions: ['Un pedido', 'Una devolución', 'Un envío', 'Hablar con una persona'],
    lateOffer: 'Si aún no ha llegado o ves algo raro, puedo pasarte con una persona.',
    talkToPersonOption: 'Hablar con una persona',
    askOrderDetailsLate: 'Siento la espera. Te lo miro: envíame el número de pedido y el email con el que hiciste la compra.',
    handoffOffHours: (when) => `Ahora mismo el equipo no está disponible; volvemos ${when}. He pasado tu mensaje.`,
    handoffOffHoursNoOpening: 'Ahora mismo el equipo no está disponible. He pasado tu mensaje.',
    handoffNobodyOnline: 'Ahora mismo no hay nadie del equipo conectado. He pasado tu mensaje y te responderemos en cuanto alguien vuelva.',
    emailSaved: (email) => `¡Gracias! Te escribiremos a ${email} en cuanto volvamos.`,
    askOrderDetails: 'Te lo miro. Envíame el número de pedido y el email con el que hiciste la compra.',
    askOrderEmail: 'Gracias. Ahora el email con el que hiciste el pedido, por favor.',
    askOrderNumber: 'Gracias. ¿Y el número de pedido?',
    lookupFailed: (left) =>
      `No he encontrado ningún pedido con esos datos. Revisa el número de pedido y el email y vuelve a intentarlo (${left === 1 ? 'queda 1 intento' : `quedan ${left} intentos`}).`,
    lookupFailedFinal: 'No he encontrado ningún pedido con esos datos y no puedo volver a intentarlo en este chat.',
    lookupLocked: 'No puedo consultar más pedidos en este chat.',
    orderFound: (n) => `Este es tu pedido ${n}:`,
    recentOrders: 'Estos son tus últimos pedidos:',
    noOrders: 'No veo pedidos en tu cuenta. Si compraste como invitado, envíame el número de pedido y el email que usaste.',
    shippingFallback: 'No tengo aquí los detalles de envío. Escribe «persona» y alguien del equipo te lo cuenta.',
    returnsFallback: 'No tengo aquí los detalles de devoluciones. Escribe «persona» y alguien del equipo te explica cómo devolver un artículo.',
    openNow: 'Ahora mismo estamos abiertos.',
    closedNow: (when) => `Ahora mismo estamos cerrados; volvemos ${when}.`,
    closedNoOpening: 'Ahora mismo estamos cerrados.',
    noHours: 'No tenemos un horario fijo: escríbenos cuando quieras y te responderemos lo antes posible.',
    hoursHeader: 'Nuestro horario:',
    closedDay: 'cerrado',
    weekdays: { mon: 'lunes', tue: 'martes', wed: 'miércoles', thu: 'jueves', fri: 'viernes', sat: 'sábado', sun: 'domingo' },
    months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
    when: {
      today: (t) => `hoy ${aLas(t)}`,
      tomorrow: (t) => `mañana ${aLas(t)}`,
      weekday: (d, t) => `el ${d} ${aLas(t)}`,
      date: (d, m, t) => `el ${d} de ${m} ${aLas(t)}`,
    },
    orderStatus: {
      pending: 'Pendiente',
      paid: 'Pagado',
      fulfilled: 'Preparado',
      shipped: 'Enviado',
      delivered: 'Entregado',
      cancelled: 'Cancelado',
      returned: 'Devuelto',
    },
  },
} as const satisfies Record<Locale, BotStrings>;
