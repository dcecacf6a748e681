/**
 * The shopper's socket, /ws/visitor. Three steps per frame: validate (shared/protocol),
 * call the store, send typed replies and publish events. No business rules live here.
 */
import { confirmOffline, requestTranscript } from '../app/email';
import type { WSContext, WSEvents } from 'hono/ws';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../../shared/errors';
import { PROTOCOL_VERSION, parseVisitorClientFrame, type VisitorClientFrame } from '../../shared/protocol';
import { hashToken, newToken } from '../ids';
import type { SiteRecord, VisitorRecord } from '../store/types';
import { Connection } from './connection';
import { ackFor, frameRef, sendHistoryPage, sendStoreError, sendSyncPage, toSummary, toVisitorConversation, type GatewayDeps } from './gateway-common';
import { LIMITS } from '../../shared/protocol';
import { verifyIdentityHash } from '../domain/identity';
import { shopperWrites } from '../app/shopper';
import { rateConversation } from '../app/conversations';
import { runProactive } from '../app/proactive';
import { isValidTimeZone } from '../domain/hours';
import { isReturning } from '../../shared/triggers';
import { topics } from '../bus/bus';
import { VISITOR_FRAME_BUCKET } from '../domain/rate-limit';
import { applyHours, siteHours } from '../presence';
import { typicalReply } from '../app/reports';

/** A socket that has not said `hello` within this time is closed. */
const HELLO_TIMEOUT_MS = 10_000;

/** A verified customer's orders, counted up to 100, for the live visitors list (0 otherwise). */
async function customerOrders(deps: GatewayDeps, siteId: string, visitor: VisitorRecord): Promise<number> {
  return visitor.verified && visitor.customerId ? (await deps.store.orders.forCustomer(siteId, visitor.customerId, 100)).length : 0;
}

export function visitorSocket(deps: GatewayDeps, site: SiteRecord, address: string | null = null): WSEvents<WebSocket> {
  let conn: Connection | null = null;
  let visitor: VisitorRecord | null = null;
  let helloTimer: NodeJS.Timeout | null = null;
  /**
   * The site as saved now. `site` is the record the socket opened with: its id and key never
   * change, but an admin may change its settings (bot on/off, hours, identity, live preview)
   * while the socket is open, and those apply from the next frame on. The store keeps one parsed
   * record per site, so this is a map lookup.
   */
  const current = async (): Promise<SiteRecord> => (await deps.store.sites.byId(site.id)) ?? site;

  const handle = async (frame: VisitorClientFrame, c: Connection): Promise<void> => {
    switch (frame.type) {
      case 'hello': {
        if (visitor) return c.send({ type: 'error', code: 'bad_frame', message: 'hello was already received' });
        if (frame.v !== PROTOCOL_VERSION) {
          c.send({ type: 'error', code: 'unsupported_version', message: `server speaks protocol ${PROTOCOL_VERSION}` });
          return c.close(CLOSE_CODES.unsupportedVersion, 'unsupported protocol version');
        }
        const now = deps.now();
        let token = frame.token;
        let found = token ? await deps.store.visitors.byToken(site.id, hashToken(token)) : null;
        if (found) {
          await deps.store.visitors.touch(site.id, found.id, now);
        } else {
          // Unknown or absent token: a new visitor. A token from another site is unknown here.
          token = newToken(24);
          found = await deps.store.visitors.create({ siteId: site.id, tokenHash: hashToken(token), locale: frame.locale ?? null, now });
        }
        visitor = found;
        // Cleared and let go: an idle shopper's socket keeps no timer (about 0.2 KiB each).
        if (helloTimer) clearTimeout(helloTimer);
        helloTimer = null;
        c.subscribe(deps.bus, topics.visitor(site.id, visitor.id));
        c.subscribe(deps.bus, topics.siteVisitors(site.id));
        if (visitor.verified && visitor.customerId) c.subscribe(deps.bus, topics.customer(site.id, visitor.customerId));
        // With several nodes: in force on Redis before the conversations are read.
        await deps.bus.settled?.();
        const who = { name: visitor.name, identified: visitor.externalId !== null, verified: visitor.verified, returning: isReturning(visitor.firstSeenAt, now), orders: await customerOrders(deps, site.id, visitor) };
        deps.presence.connected(site.id, visitor.id, now, who);
        const conversations = await deps.store.conversations.listForVisitor(site.id, visitor);
        // The schedule as saved now.
        applyHours(deps, site.id, siteHours(await current()));
        const replyMin = await typicalReply(deps.store, site.id, now).catch(() => null);
        c.send({
          type: 'welcome',
          v: PROTOCOL_VERSION,
          token: token!,
          visitorId: visitor.id,
          conversations: conversations.map(toVisitorConversation),
          availability: deps.team.availability(site.id, now),
          profile: { name: visitor.name, email: visitor.email },
          ...(replyMin ? { replyMin } : {}),
        });
        return;
      }
      case 'profile': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const updated = await deps.store.visitors.setProfile(site.id, visitor.id, {
          ...(frame.name ? { name: frame.name } : {}),
          ...(frame.email ? { email: frame.email } : {}),
        });
        if (updated) visitor = updated;
        // Acknowledged once what the address brings is queued too (the offline confirmation).
        await confirmOffline(deps, site, visitor);
        c.send({ type: 'profile.saved', name: visitor.name, email: visitor.email });
        deps.presence.identified(site.id, visitor.id, { name: visitor.name });
        for (const conv of await deps.store.conversations.listForVisitor(site.id, visitor)) {
          const item = await deps.store.conversations.listItem(site.id, conv.id);
          if (item) deps.bus.publish(topics.siteAgents(site.id), { type: 'conversation.updated', conversation: toSummary(item) });
        }
        return;
      }
      case 'transcript': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        return requestTranscript(deps, { site, visitor, conversationId: frame.conversationId });
      }
      case 'ping':
        return c.send({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) });
      case 'message.send': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        // The use case reads the site as saved now (bot on/off, hours) itself.
        const input = { site, visitor, conversationId: frame.conversationId, clientId: frame.clientId, text: frame.text, attachmentIds: frame.attachments, locale: frame.locale };
        return shopperWrites(deps, input, (result) => c.send(ackFor(frame.clientId, result)), address);
      }
      case 'conversation.rate': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        const input = { site, visitor, conversationId: frame.conversationId, clientId: frame.clientId, score: frame.score, comment: frame.comment ?? null };
        try {
          await rateConversation(deps, input, (result) => c.send(ackFor(frame.clientId, result)));
        } catch (err) {
          sendStoreError(deps, c, err, frame.clientId);
        }
        return;
      }
      case 'identify': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        // During a key rotation's overlap, hashes made with the previous key still verify.
        const secrets = await deps.store.sites.secretKeys(site.id, deps.now());
        const verified = secrets.some((secret) => verifyIdentityHash(frame.id, frame.hash, secret));
        if (!verified && frame.hash) {
          // A hash that does not match: a shop backend with the wrong (or an old, rotated) key, or someone guessing.
          deps.securityLog?.record('identity_hash_invalid', site.publicKey, { site: site.publicKey }, 'identify with a hash that does not match the secret key: the visitor stays unverified');
        }
        if (!verified && (await current()).settings.requireVerifiedIdentity) {
          return c.send({ type: 'error', code: 'identity_refused', message: 'this site accepts only verified identities' });
        }
        visitor = await deps.store.visitors.identify(site.id, visitor.id, {
          externalId: frame.id,
          email: frame.email ?? null,
          name: frame.name || null,
          verified,
          now: deps.now(),
        });
        if (visitor.verified && visitor.customerId) c.subscribe(deps.bus, topics.customer(site.id, visitor.customerId));
        const conversations = await deps.store.conversations.listForVisitor(site.id, visitor);
        c.send({ type: 'identified', verified, conversations: conversations.map(toVisitorConversation) });
        deps.presence.identified(site.id, visitor.id, { name: visitor.name, identified: true, verified: visitor.verified, orders: await customerOrders(deps, site.id, visitor) });
        // Agents see the new name and verification state.
        for (const conv of conversations) {
          const item = await deps.store.conversations.listItem(site.id, conv.id);
          if (item) deps.bus.publish(topics.siteAgents(site.id), { type: 'conversation.updated', conversation: toSummary(item) });
        }
        return;
      }
      case 'sync': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        // Another visitor's conversation looks exactly like a missing one.
        const conversation = await deps.store.conversations.getForVisitor(site.id, frame.conversationId, visitor);
        if (!conversation) {
          return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        }
        return sendSyncPage(deps, c, site.id, conversation.id, frame.afterSeq, { visibleOnly: true });
      }
      case 'history': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const conversation = await deps.store.conversations.getForVisitor(site.id, frame.conversationId, visitor);
        if (!conversation) return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        return sendHistoryPage(deps, c, site.id, conversation.id, frame.beforeSeq, frame.limit ?? LIMITS.syncPageSize, { visibleOnly: true });
      }
      case 'proactive': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const outcome = await runProactive(deps, site.id, visitor, frame);
        return c.send({ type: 'proactive', ruleId: frame.ruleId, ...outcome });
      }
      case 'context': {
        if (!visitor) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        // Agents hear of it through the visitor feed: coalesced, capped, small (ws/visitor-feed.ts).
        deps.presence.update(site.id, visitor.id, deps.now(), {
          ...(frame.url !== undefined ? { url: frame.url } : {}),
          ...(frame.title !== undefined ? { title: frame.title } : {}),
          ...(frame.cart !== undefined ? { cart: frame.cart } : {}),
          ...(frame.timeZone !== undefined && isValidTimeZone(frame.timeZone) ? { timeZone: frame.timeZone } : {}),
        });
        return;
      }
      case 'typing': {
        if (!visitor) return;
        const conversation = await deps.store.conversations.getForVisitor(site.id, frame.conversationId, visitor);
        if (!conversation) return;
        // What the shopper is typing reaches agents only where the merchant turned live preview on.
        const preview = frame.on && frame.preview && (await current()).settings.livePreview ? { preview: frame.preview } : {};
        deps.bus.publish(topics.siteAgents(site.id), {
          type: 'typing',
          conversationId: conversation.id,
          who: { kind: 'visitor' },
          on: frame.on,
          ...preview,
        });
        return;
      }
      case 'read': {
        if (!visitor) return;
        const conversation = await deps.store.conversations.getForVisitor(site.id, frame.conversationId, visitor);
        if (!conversation) return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        const mark = await deps.store.conversations.markRead(site.id, conversation.id, 'visitor', frame.seq);
        if (mark?.changed) {
          const event = { type: 'read', conversationId: conversation.id, by: 'visitor', seq: mark.seq } as const;
          deps.bus.publish(topics.siteAgents(site.id), event);
          deps.bus.publish(topics.shopper(site.id, conversation.visitorId, visitor.verified ? visitor.customerId : null), event);
        }
        return;
      }
      default: {
        const never: never = frame;
        return never;
      }
    }
  };

  return {
    onOpen(_evt, ws: WSContext<WebSocket>) {
      conn = new Connection(ws.raw!, deps.logger);
      deps.heartbeat.add(conn);
      const c = conn;
      helloTimer = setTimeout(() => c.close(CLOSE_CODES.unauthorized, 'hello timeout'), HELLO_TIMEOUT_MS);
      helloTimer.unref();
    },
    onMessage(evt) {
      const c = conn;
      if (!c) return;
      c.alive = true;
      const parsed = parseVisitorClientFrame(evt.data);
      if (!parsed.ok) return c.send({ type: 'error', ...parsed.error });
      const frame = parsed.frame;
      // Every kind of frame has a budget per visitor (all their tabs together), checked before any work is queued.
      if (visitor && frame.type !== 'hello') {
        const taken = deps.limits.visitor.take(VISITOR_FRAME_BUCKET[frame.type], visitor.id, deps.now());
        if (!taken.allowed) {
          const ref = frameRef(frame);
          return c.send({ type: 'error', code: 'rate_limited', retryAfterMs: taken.retryAfterMs, message: frame.type === 'message.send' ? 'too many messages' : `too many ${frame.type} frames`, ...(ref ? { ref } : {}) });
        }
      }
      const task = () => handle(frame, c).catch((err: unknown) => sendStoreError(deps, c, err, frameRef(frame)));
      if (!c.enqueue(task)) {
        c.send({ type: 'error', code: 'rate_limited', retryAfterMs: 1000, ...('clientId' in frame ? { ref: frame.clientId } : {}) });
      }
    },
    onClose() {
      if (helloTimer) clearTimeout(helloTimer);
      if (visitor) {
        deps.presence.disconnected(site.id, visitor.id, deps.now());
      }
      if (conn) {
        conn.dispose();
        deps.heartbeat.delete(conn);
      }
    },
    onError(evt) {
      deps.logger.warn({ err: (evt as ErrorEvent).error }, 'visitor socket error');
    },
  };
}
