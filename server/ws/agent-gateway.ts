/**
 * The agent's socket, /ws/agent, authenticated at upgrade by the session cookie. Every store
 * call passes the agent's site id: an agent can never touch another site's conversations.
 */
import type { WSContext, WSEvents } from 'hono/ws';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../../shared/errors';
import { LIMITS, PROTOCOL_VERSION, parseAgentClientFrame, type AgentClientFrame } from '../../shared/protocol';
import { topics } from '../bus/bus';
import type { Cluster } from '../bus/cluster';
import { AGENT_FRAME_BUCKET } from '../domain/rate-limit';
import { act, sendAgentMessage, shareOrder, startChat } from '../app/conversations';
import { tagConversation } from '../app/tags';
import type { AgentRecord, CommitResult } from '../store/types';
import { Connection } from './connection';
import { AgentScope } from './agent-scope';
import { ackFor, frameRef, publishTeam, sendHistoryPage, sendStoreError, sendSyncPage, toSummary, type GatewayDeps } from './gateway-common';

/** Longest timer Node keeps (about 24.8 days); a longer session re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Open agent sockets by agent and by session, so ending a session (signing out) or all of an
 * agent's sessions (disabled, password changed) closes exactly those sockets at once with 4001.
 */
export class AgentSockets {
  private readonly byAgent = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();

  /** With several nodes, ending a session closes its sockets on the others too. */
  constructor(private readonly cluster?: Pick<Cluster, 'broadcast'>) {}

  add(agentId: string, sessionHash: string, conn: Connection): void {
    for (const [map, key] of [[this.byAgent, agentId], [this.bySession, sessionHash]] as const) {
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(conn);
    }
  }

  delete(agentId: string, sessionHash: string, conn: Connection): void {
    for (const [map, key] of [[this.byAgent, agentId], [this.bySession, sessionHash]] as const) {
      const set = map.get(key);
      set?.delete(conn);
      if (set?.size === 0) map.delete(key);
    }
  }

  /** Closes the sockets of one session; resolves when none of them will touch the store again. */
  endSession(sessionHash: string): Promise<void> {
    this.cluster?.broadcast({ kind: 'end-session', tokenHash: sessionHash });
    return this.endSessionHere(sessionHash);
  }

  /** Closes every socket of an agent (all sessions). */
  endAgent(agentId: string): Promise<void> {
    this.cluster?.broadcast({ kind: 'end-agent', agentId });
    return this.endAgentHere(agentId);
  }

  /** This node's sockets of a session (another node ended it). */
  endSessionHere(sessionHash: string): Promise<void> {
    return end(this.bySession.get(sessionHash));
  }

  endAgentHere(agentId: string): Promise<void> {
    return end(this.byAgent.get(agentId));
  }

  /** How many sockets an agent has open (tests, health). */
  count(agentId: string): number {
    return this.byAgent.get(agentId)?.size ?? 0;
  }
}

async function end(conns: Set<Connection> | undefined): Promise<void> {
  await Promise.all([...(conns ?? [])].map((c) => c.end(CLOSE_CODES.sessionEnded, 'session ended')));
}

/** The session an agent socket was opened with (checked at upgrade). */
export interface AgentSession {
  agent: AgentRecord;
  tokenHash: string;
  expiresAt: number;
}

export function agentSocket(deps: GatewayDeps, session: AgentSession, sockets: AgentSockets): WSEvents<WebSocket> {
  const { agent } = session;
  let conn: Connection | null = null;
  let expiry: NodeJS.Timeout | null = null;
  let welcomed = false;
  let teamJoined = false;
  let unfeed: (() => void) | null = null;
  let scope: AgentScope | null = null;
  const siteId = agent.siteId;

  /** The visitor's tabs, and their verified customer's other devices. */
  const shopperTopics = async (sid: string, visitorId: string) => {
    const v = await deps.store.visitors.byId(sid, visitorId);
    return topics.shopper(sid, visitorId, v?.verified ? v.customerId : null);
  };

  const handle = async (frame: AgentClientFrame, c: Connection): Promise<void> => {
    /** Acknowledges the frame's write right after COMMIT, before the fan-out. */
    const ack = (result: CommitResult) => c.send(ackFor((frame as { clientId: string }).clientId, result));
    switch (frame.type) {
      case 'hello': {
        if (welcomed) return c.send({ type: 'error', code: 'bad_frame', message: 'hello was already received' });
        if (frame.v !== PROTOCOL_VERSION) {
          c.send({ type: 'error', code: 'unsupported_version', message: `server speaks protocol ${PROTOCOL_VERSION}` });
          return c.close(CLOSE_CODES.unsupportedVersion, 'unsupported protocol version');
        }
        // Subscribe before reading the list: an event between the two is seen twice, never missed.
        scope = new AgentScope(agent.id, (json) => c.sendJson(json));
        c.subscribe(deps.bus, topics.siteAgents(siteId), scope.listener);
        // With several nodes: in force on Redis before the list is read.
        await deps.bus.settled?.();
        scope.hold(await deps.store.conversations.assignedTo(siteId, agent.id));
        unfeed = deps.visitorFeed.subscribe(siteId, (json) => c.sendJson(json));
        const status = deps.team.connected(siteId, agent);
        teamJoined = true;
        publishTeam(deps, siteId);
        void deps.router.schedule(siteId);
        const list = await deps.store.conversations.listForSite(siteId, { limit: LIMITS.agentConversationList });
        welcomed = true;
        // The first page of live visitors only: a busy shop's list is paged (visitors.list).
        const visitors = deps.presence.page(siteId, undefined, LIMITS.visitorPage, deps.now());
        c.send({
          type: 'welcome',
          v: PROTOCOL_VERSION,
          agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role },
          conversations: list.map(toSummary),
          visitors: visitors.visitors,
          visitorsMore: visitors.hasMore,
          visitorCounts: deps.presence.counts(siteId),
          team: deps.team.team(siteId),
          status,
          email: deps.mail !== undefined,
        });
        return;
      }
      case 'conversation.action': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        await act(deps, {
          agent,
          conversationId: frame.conversationId,
          clientId: frame.clientId,
          action: frame.action,
          seen: frame.seen,
          agentId: frame.agentId,
          team: frame.team,
          note: frame.note,
          transcript: frame.transcript === true,
          until: frame.until,
        }, ack);
        return;
      }
      case 'conversation.tag': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        await tagConversation(deps, { agent, conversationId: frame.conversationId, tag: frame.tag, on: frame.on });
        return;
      }
      case 'visitor.chat': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        await startChat(deps, { agent, visitorId: frame.visitorId, clientId: frame.clientId, text: frame.text }, ack);
        return;
      }
      case 'visitors.list': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const page = deps.presence.page(siteId, frame.after, LIMITS.visitorPage, deps.now());
        return c.send({ type: 'visitors.page', ...page, counts: deps.presence.counts(siteId) });
      }
      case 'visitor.get': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const detail = deps.presence.detail(siteId, frame.visitorId);
        if (!detail) return c.send({ type: 'error', code: 'not_found', ref: frame.visitorId, message: 'visitor not on the site now' });
        return c.send(detail);
      }
      case 'status': {
        if (!welcomed) return;
        deps.team.setStatus(siteId, agent.id, frame.status);
        publishTeam(deps, siteId);
        void deps.router.schedule(siteId);
        return;
      }
      case 'ping':
        return c.send({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) });
      case 'watch': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        scope?.watch(frame.conversationIds);
        return;
      }
      case 'message.send': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        await sendAgentMessage(deps, {
          agent,
          conversationId: frame.conversationId,
          clientId: frame.clientId,
          text: frame.text,
          kind: frame.kind ?? 'text',
          attachmentIds: frame.attachments,
          byEmail: frame.byEmail === true,
        }, ack);
        return;
      }
      case 'order.share': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', ref: frame.clientId, message: 'send hello first' });
        await shareOrder(deps, { agent, conversationId: frame.conversationId, clientId: frame.clientId, orderId: frame.orderId }, ack);
        return;
      }
      case 'sync': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const conversation = await deps.store.conversations.get(siteId, frame.conversationId);
        if (!conversation) return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        return sendSyncPage(deps, c, siteId, conversation.id, frame.afterSeq);
      }
      case 'history': {
        if (!welcomed) return c.send({ type: 'error', code: 'not_ready', message: 'send hello first' });
        const conversation = await deps.store.conversations.get(siteId, frame.conversationId);
        if (!conversation) return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        return sendHistoryPage(deps, c, siteId, conversation.id, frame.beforeSeq, frame.limit ?? LIMITS.syncPageSize);
      }
      case 'typing': {
        if (!welcomed) return;
        const conversation = await deps.store.conversations.get(siteId, frame.conversationId);
        if (!conversation) return;
        const event = { type: 'typing', conversationId: conversation.id, who: { kind: 'agent', name: agent.name }, on: frame.on } as const;
        deps.bus.publish(await shopperTopics(siteId, conversation.visitorId), event);
        return;
      }
      case 'read': {
        if (!welcomed) return;
        const conversation = await deps.store.conversations.get(siteId, frame.conversationId);
        if (!conversation) return c.send({ type: 'error', code: 'not_found', ref: frame.conversationId, message: 'conversation not found' });
        const mark = await deps.store.conversations.markRead(siteId, conversation.id, 'agent', frame.seq);
        if (mark?.changed) {
          // Shoppers see "seen" only up to the last message they can see.
          const event = { type: 'read', conversationId: conversation.id, by: 'agent', seq: mark.seq } as const;
          deps.bus.publish(await shopperTopics(siteId, conversation.visitorId), event);
          deps.bus.publish(topics.siteAgents(siteId), event);
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
      const c = (conn = new Connection(ws.raw!, deps.logger));
      deps.heartbeat.add(c);
      sockets.add(agent.id, session.tokenHash, c);
      // The session ends at its expiry: the socket with it, not at the next reconnect.
      const arm = () => {
        const left = session.expiresAt - deps.now();
        if (left <= 0) return void c.end(CLOSE_CODES.sessionEnded, 'session expired');
        expiry = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        expiry.unref();
      };
      arm();
    },
    onMessage(evt) {
      const c = conn;
      if (!c || !c.accepting) return;
      // A frame that arrives after the session expired (the timer may not have fired yet) is refused.
      if (deps.now() >= session.expiresAt) return void c.end(CLOSE_CODES.sessionEnded, 'session expired');
      c.alive = true;
      const parsed = parseAgentClientFrame(evt.data);
      if (!parsed.ok) return c.send({ type: 'error', ...parsed.error });
      const frame = parsed.frame;
      // A person writes a few messages a second at most: a runaway client gets typed refusals, for every kind of frame.
      if (frame.type !== 'hello') {
        const bucket = AGENT_FRAME_BUCKET[frame.type];
        const taken = deps.limits.agent.take(bucket, agent.id, deps.now());
        if (!taken.allowed) return c.send({ type: 'error', code: 'rate_limited', retryAfterMs: taken.retryAfterMs, message: bucket === 'send' ? 'too many messages' : `too many ${frame.type} frames`, ...(frameRef(frame) ? { ref: frameRef(frame) } : {}) });
      }
      const task = () => handle(frame, c).catch((err: unknown) => sendStoreError(deps, c, err, frameRef(frame)));
      if (!c.enqueue(task)) c.send({ type: 'error', code: 'rate_limited', retryAfterMs: 1000, ...(frameRef(frame) ? { ref: frameRef(frame) } : {}) });
    },
    onClose() {
      if (expiry) clearTimeout(expiry);
      unfeed?.();
      scope?.close();
      if (teamJoined) {
        deps.team.disconnected(siteId, agent.id);
        publishTeam(deps, siteId);
        deps.router.agentLeft(siteId, { id: agent.id, name: agent.name });
        void deps.router.schedule(siteId);
      }
      if (!conn) return;
      conn.dispose();
      deps.heartbeat.delete(conn);
      sockets.delete(agent.id, session.tokenHash, conn);
    },
    onError(evt) {
      deps.logger.warn({ err: (evt as ErrorEvent).error }, 'agent socket error');
    },
  };
}
