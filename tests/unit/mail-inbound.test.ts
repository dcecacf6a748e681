import { describe, expect, it } from 'vitest';
import { InboundRefused, parseInbound, replyTokens, stripReply } from '../../server/mail/inbound-parse';
import { MailLinks } from '../../server/mail/links';
import { escapeHtml, renderConversationMail } from '../../server/mail/render';

describe('stripReply', () => {
  it.each([
    ['Gmail (Spanish)', 'Vale, gracias\n\nEl jue, 26 nov 2026 a las 10:00, Tienda <reply+x@d> escribió:\n> Hola', 'Vale, gracias'],
    ['Gmail (English), wrapped header', 'Thanks!\n\nOn Thu, 26 Nov 2026 at 10:00, Shop\n<reply+x@d> wrote:\n> Hi', 'Thanks!'],
    ['Outlook', 'Perfecto\n\n________________________________\nDe: Tienda <chat@shop>\nEnviado: jueves', 'Perfecto'],
    ['Original Message', 'Yes\n-----Original Message-----\nFrom: Shop', 'Yes'],
    ['signature', 'Sí, a las 5\n-- \nMaría López\nTel. 600 000 000', 'Sí, a las 5'],
    ['mobile footer', 'Ok\n\nEnviado desde mi iPhone', 'Ok'],
    ['interleaved quotes', '> pregunta\nrespuesta', 'respuesta'],
  ])('%s', (_name, input, expected) => {
    expect(stripReply(input)).toBe(expected);
  });
});

describe('parseInbound', () => {
  const mail = (headers: string, body = 'Hola') => Buffer.from(`${headers}\r\n\r\n${body}\r\n`);

  it('reads the sender, the recipients and the new text', async () => {
    const parsed = await parseInbound(mail('From: "María" <Maria@Example.com>\r\nTo: reply+abcdefghijklmnopqrstuvwxyz@mail.test\r\nMessage-ID: <1@x>'));
    expect(parsed).toMatchObject({ from: 'maria@example.com', messageId: '<1@x>', text: 'Hola', automatic: null });
    expect(replyTokens(parsed.recipients, 'mail.test')).toEqual(['abcdefghijklmnopqrstuvwxyz']);
    expect(replyTokens(parsed.recipients, 'other.test')).toEqual([]);
  });

  it.each([
    ['Auto-Submitted: auto-replied', /Auto-Submitted/],
    ['X-Autoreply: yes', /auto-reply/],
    ['Precedence: bulk', /Precedence/],
    ['Return-Path: <>', /null sender/],
    ['Content-Type: multipart/report; report-type=delivery-status; boundary=b', /report/],
  ])('marks %s as automatic', async (header, reason) => {
    const parsed = await parseInbound(mail(`From: a@b.example\r\nTo: x@y.example\r\n${header}`));
    expect(parsed.automatic).toMatch(reason);
  });

  it('does not drop Auto-Submitted: no', async () => {
    expect((await parseInbound(mail('From: a@b.example\r\nAuto-Submitted: no'))).automatic).toBeNull();
  });

  it('refuses what is not a mail', async () => {
    await expect(parseInbound(Buffer.from('just some text'))).rejects.toBeInstanceOf(InboundRefused);
    await expect(parseInbound(mail('Subject: no sender'))).rejects.toThrow(/no sender/);
  });
});

describe('signed links', () => {
  const links = new MailLinks(Buffer.alloc(32, 7));
  it('opens one conversation for one purpose until it expires', () => {
    const now = Date.UTC(2026, 10, 1);
    const token = links.sign('chat', 'site_1', 'cv_1', now);
    expect(links.verify(token, 'chat', now)).toMatchObject({ ok: true, claims: { siteId: 'site_1', conversationId: 'cv_1' } });
    expect(links.verify(token, 'unsubscribe', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(links.verify(token.replace('cv_1', 'cv_2'), 'chat', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(links.verify(token, 'chat', now + 8 * 24 * 60 * 60 * 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(new MailLinks(Buffer.alloc(32, 8)).verify(token, 'chat', now)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('rendering', () => {
  it('escapes what people wrote and speaks the conversation language', () => {
    const message = { id: 'm1', conversationId: 'c', seq: 1, clientId: null, author: { kind: 'agent' as const, name: '<Ana>' }, kind: 'text' as const, text: '<img src=x onerror=alert(1)>', createdAt: 0 };
    const en = renderConversationMail({ kind: 'digest', lang: 'en', shop: { name: 'A & B', logoUrl: null }, messages: [message], chatUrl: 'https://x.example/email/chat/t', unsubscribeUrl: null, canReply: true });
    expect(en.subject).toBe('You have a reply from A & B');
    expect(en.html).toContain(escapeHtml('<img src=x onerror=alert(1)>'));
    expect(en.html).not.toContain('<img src=x');
    expect(en.html).toContain('&lt;Ana&gt;');
    expect(en.text).toContain('<img src=x onerror=alert(1)>');
    const es = renderConversationMail({ kind: 'digest', lang: 'es', shop: { name: 'Tienda', logoUrl: null }, messages: [message], chatUrl: null, unsubscribeUrl: null, canReply: false });
    expect(es.subject).toBe('Tienes respuesta de Tienda');
  });
});
