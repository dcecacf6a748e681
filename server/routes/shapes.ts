/** Records shaped for JSON responses: ISO times and the merchant's own ids. */
import type * as v from 'valibot';
import type { Message } from '../../shared/protocol';
import type { ConversationListItem, CustomerRecord, OrderRecord } from '../store/types';
import type * as S from './api-v1/schemas';

export const iso = (ms: number) => new Date(ms).toISOString();

export function customerOut(c: CustomerRecord): v.InferOutput<typeof S.CustomerOut> {
  return { id: c.externalId, email: c.email, name: c.name, phone: c.phone, tags: c.tags, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) };
}

export function orderOut(o: OrderRecord): v.InferOutput<typeof S.OrderOut> {
  return {
    id: o.externalId,
    customerId: o.customerExternalId,
    number: o.number,
    status: o.status,
    paymentStatus: o.paymentStatus,
    currency: o.currency,
    total: o.total,
    items: o.items,
    shippingAddress: o.shippingAddress,
    shipments: o.shipments.map((s) => ({
      id: s.externalId,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      trackingUrl: s.trackingUrl,
      status: s.status,
      events: s.events.map((e) => ({ at: iso(e.at), status: e.status, description: e.description })),
      updatedAt: iso(s.updatedAt),
    })),
    returns: o.returns.map((r) => ({ id: r.externalId, status: r.status, items: r.items, reason: r.reason, updatedAt: iso(r.updatedAt) })),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}


export function conversationOut(c: ConversationListItem): v.InferOutput<typeof S.ConversationOut> {
  return {
    id: c.id,
    status: c.status,
    visitorId: c.visitorId,
    visitorName: c.visitorName,
    assigneeId: c.assigneeId,
    lastSeq: c.lastSeq,
    lastMessage: c.lastMessage ? { text: c.lastMessage.text, authorKind: c.lastMessage.authorKind, createdAt: iso(c.lastMessage.createdAt) } : null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function messageOut(m: Message): v.InferOutput<typeof S.MessageOut> {
  return { id: m.id, conversationId: m.conversationId, seq: m.seq, author: m.author, text: m.text, channel: m.channel ?? 'chat', createdAt: iso(m.createdAt) };
}

