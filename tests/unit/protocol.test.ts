import { describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION, parseAgentClientFrame, parseVisitorClientFrame, parseVisitorServerFrame } from '../../shared/protocol';

describe('parseVisitorClientFrame', () => {
  it('accepts a valid hello and message.send', () => {
    expect(parseVisitorClientFrame(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION }))).toMatchObject({ ok: true });
    expect(parseVisitorClientFrame(JSON.stringify({ type: 'message.send', clientId: 'abcdefgh', text: 'hola' }))).toMatchObject({
      ok: true,
      frame: { type: 'message.send', clientId: 'abcdefgh', text: 'hola' },
    });
  });

  it.each([
    ['not json', '{', 'bad_json'],
    ['a JSON string', '"hello"', 'unknown_type'],
    ['null', 'null', 'unknown_type'],
    ['unknown type', '{"type":"drop.tables"}', 'unknown_type'],
    ['agent-only shape is still the visitor type', '{"type":"message.send","clientId":"abcdefgh"}', 'bad_frame'],
    ['short clientId', '{"type":"message.send","clientId":"abc","text":"x"}', 'bad_frame'],
    ['clientId with bad characters', '{"type":"message.send","clientId":"abcdefgh<>","text":"x"}', 'bad_frame'],
    ['blank text', '{"type":"message.send","clientId":"abcdefgh","text":" \\n "}', 'bad_frame'],
    ['negative afterSeq', '{"type":"sync","conversationId":"cv_1","afterSeq":-1}', 'bad_frame'],
    ['fractional afterSeq', '{"type":"sync","conversationId":"cv_1","afterSeq":1.5}', 'bad_frame'],
  ])('rejects %s with %s', (_name, raw, code) => {
    const result = parseVisitorClientFrame(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects frames above the byte limit before parsing them', () => {
    const raw = JSON.stringify({ type: 'message.send', clientId: 'abcdefgh', text: 'ñ'.repeat(LIMITS.maxFrameBytes / 2) });
    const result = parseVisitorClientFrame(raw);
    expect(result).toMatchObject({ ok: false, error: { code: 'frame_too_large' } });
  });

  it('rejects binary data', () => {
    expect(parseVisitorClientFrame(new ArrayBuffer(4))).toMatchObject({ ok: false, error: { code: 'binary_not_supported' } });
  });

  it('carries the clientId as ref on errors', () => {
    expect(parseVisitorClientFrame('{"type":"message.send","clientId":"abcdefgh","text":7}')).toMatchObject({ ok: false, error: { ref: 'abcdefgh' } });
  });
});

describe('parseAgentClientFrame', () => {
  it('requires a conversationId on agent sends', () => {
    expect(parseAgentClientFrame('{"type":"message.send","clientId":"abcdefgh","text":"x"}')).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
  });
});

describe('parseVisitorServerFrame', () => {
  it('accepts server frames larger than the client frame limit (sync pages)', () => {
    const messages = Array.from({ length: 20 }, (_, i) => ({
      id: `m${i}`,
      conversationId: 'cv_1',
      seq: i + 1,
      clientId: null,
      author: { kind: 'agent' },
      kind: 'text',
      text: 'x'.repeat(3000),
      createdAt: 1,
    }));
    const raw = JSON.stringify({ type: 'sync.result', conversationId: 'cv_1', messages, hasMore: false });
    expect(parseVisitorServerFrame(raw).ok).toBe(true);
  });
});
