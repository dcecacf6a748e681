import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';
import { png } from '../helpers/png';

let server: TestServer;
let cookie: string;
beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});


function upload(token: string | null, body: Buffer | string, name: string, origin = server.origin) {
  return fetch(`${server.origin}/api/uploads/visitor?site=pk_demo`, {
    method: 'POST',
    headers: { Origin: origin, 'X-File-Name': encodeURIComponent(name), 'Content-Type': 'application/octet-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

describe('attachments', () => {
  it('uploads an image, attaches it to a message, and serves it safely by signed URL', async () => {
    const visitor = await connectVisitor(server);
    const agent = await connectAgent(server, cookie);
    const res = await upload(visitor.token, png(), 'mi foto.png');
    expect(res.status).toBe(201);
    const file = (await res.json()) as { id: string; url: string; contentType: string; name: string };
    expect(file).toMatchObject({ contentType: 'image/png', name: 'mi foto.png' });

    const clientId = cid();
    const seen = agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    visitor.socket.send({ type: 'message.send', clientId, text: '', attachments: [file.id] });
    const message = (await seen).message as { payload: { attachments: { id: string; url: string; name: string }[] } };
    const attached = message.payload.attachments[0]!;
    expect(attached).toMatchObject({ id: file.id, name: 'mi foto.png', contentType: 'image/png' });

    const download = await fetch(`${server.origin}${attached.url}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect(download.headers.get('content-disposition')).toMatch(/^inline; filename="mi foto.png"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(png())).toBe(true);

    // A tampered or expired link gets nothing.
    // (Change the signature's first character to a different one: replacing it with a fixed 'A' left
    // the link intact whenever the signature already started with 'A', one run in 64.)
    const tampered = attached.url.replace(/sig=(.)/, (_m, ch: string) => `sig=${ch === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(attached.url);
    expect((await fetch(`${server.origin}${tampered}`)).status).toBe(403);
    expect((await fetch(`${server.origin}${attached.url.replace(/exp=\d+/, 'exp=1000')}`)).status).toBe(403);

    // The list preview names the file.
    const list = (await connectAgent(server, cookie)).welcome.conversations as Frame[];
    expect(list.find((c) => c.id === (message as unknown as Frame).conversationId)).toMatchObject({ lastMessage: { text: '📎 mi foto.png' } });
    visitor.socket.close();
    agent.socket.close();
  });

  it('downloads PDFs as attachments', async () => {
    const visitor = await connectVisitor(server);
    const res = await upload(visitor.token, Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF'), 'factura.pdf');
    const file = (await res.json()) as { url: string };
    const download = await fetch(`${server.origin}${file.url}`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="factura.pdf"/);
    visitor.socket.close();
  });

  it('refuses SVG, disguised files, oversized files, strangers and foreign origins', async () => {
    const visitor = await connectVisitor(server);
    const svg = await upload(visitor.token, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'logo.svg');
    expect(svg.status).toBe(415);
    expect((await upload(visitor.token, '<html><script>alert(1)</script>', 'photo.png')).status).toBe(415);
    expect((await upload(visitor.token, Buffer.concat([png(), Buffer.alloc(10 * 1024 * 1024)]), 'big.png')).status).toBe(413);
    expect((await upload(null, png(), 'x.png')).status).toBe(401);
    expect((await upload('not-a-real-token-at-all', png(), 'x.png')).status).toBe(401);
    expect((await upload(visitor.token, png(), 'x.png', 'https://evil.example')).status).toBe(403);
    visitor.socket.close();
  });

  it("does not let one visitor attach another's file, or use a file twice", async () => {
    const alice = await connectVisitor(server);
    const bob = await connectVisitor(server);
    const file = (await (await upload(alice.token, png(), 'a.png')).json()) as { id: string };
    const stolen = cid();
    const err = bob.socket.next((f) => f.type === 'error' && f.ref === stolen);
    bob.socket.send({ type: 'message.send', clientId: stolen, text: 'mira', attachments: [file.id] });
    expect(await err).toMatchObject({ code: 'bad_attachment' });

    const first = cid();
    alice.socket.send({ type: 'message.send', clientId: first, text: 'uno', attachments: [file.id] });
    await alice.socket.next((f) => f.type === 'ack' && f.clientId === first);
    // Resending the same message is fine (same clientId); another message with the same file is not.
    alice.socket.send({ type: 'message.send', clientId: first, text: 'uno', attachments: [file.id] });
    expect(await alice.socket.next((f) => f.type === 'ack' && f.clientId === first && f.duplicate === true)).toBeTruthy();
    // A second message in the same conversation may not use it again (docs/security.md: attached once).
    const second = cid();
    const reuse = alice.socket.next((f) => f.type === 'error' && f.ref === second);
    alice.socket.send({ type: 'message.send', clientId: second, text: 'dos', attachments: [file.id] });
    const outcome = await Promise.race([reuse, alice.socket.next((f) => f.type === 'ack' && f.clientId === second)]);
    expect(outcome).toMatchObject({ type: 'error', code: 'bad_attachment' });

    // Nor can one message list a fresh file twice; the refused send claims nothing.
    const fresh = (await (await upload(alice.token, png(), 'b.png')).json()) as { id: string };
    const twice = cid();
    const doubled = alice.socket.next((f) => (f.type === 'error' && f.ref === twice) || (f.type === 'ack' && f.clientId === twice));
    alice.socket.send({ type: 'message.send', clientId: twice, text: 'tres', attachments: [fresh.id, fresh.id] });
    expect(await doubled).toMatchObject({ type: 'error', code: 'bad_attachment' });
    const once = cid();
    alice.socket.send({ type: 'message.send', clientId: once, text: 'tres', attachments: [fresh.id] });
    expect(await alice.socket.next((f) => (f.type === 'error' && f.ref === once) || (f.type === 'ack' && f.clientId === once))).toMatchObject({ type: 'ack', duplicate: false });
    alice.socket.close();
    bob.socket.close();
  });

  it('limits each shopper to bursts of 10 uploads (429 with Retry-After), without touching other shoppers', async () => {
    const busy = await connectVisitor(server);
    const other = await connectVisitor(server);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await upload(busy.token, png(), `foto-${i}.png`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    const refused = await upload(busy.token, png(), 'una-mas.png');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' });
    expect((await upload(other.token, png(), 'otra.png')).status).toBe(201);
    busy.socket.close();
    other.socket.close();
  });
});
