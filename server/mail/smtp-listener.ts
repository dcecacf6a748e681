/**
 * The built-in SMTP listener for replies (INBOUND_SMTP_PORT; off by default): point the reply
 * domain's MX at it. Accepts only reply+<token>@MAIL_REPLY_DOMAIN recipients that belong to a
 * conversation, refuses messages over MAIL_MAX_BYTES while they arrive, and hands each message
 * to the same use case as POST /api/v1/inbound-email.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { InboundRefused, receiveEmail, type InboundDeps } from '../app/inbound-email';
import { replyTokens } from './inbound-parse';

export interface InboundListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startInboundSmtp(deps: InboundDeps, opts: { port: number; host: string }): Promise<InboundListener> {
  const server = new SMTPServer({
    // Plain SMTP between mail servers (STARTTLS needs a certificate: put a TLS-terminating MTA in front if you need it).
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: deps.maxBytes,
    banner: 'Mostrador inbound',
    logger: false,
    async onRcptTo(address, _session, cb) {
      const tokens = replyTokens([address.address.toLowerCase()], deps.replyDomain);
      const found = tokens.length ? await deps.store.mail.byReplyToken(tokens[0]!).catch(() => null) : null;
      if (!found) return cb(smtpError(550, '5.1.1 no such conversation'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(smtpError(552, '5.3.4 message too large'));
        const raw = Buffer.concat(chunks);
        receiveEmail(deps, { raw, envelope: { to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null } }).then(
          () => cb(),
          (err: unknown) => {
            if (err instanceof InboundRefused) return cb(smtpError(err.code === 'too_large' ? 552 : 550, `5.6.0 ${err.message}`));
            deps.logger.error({ err }, 'inbound mail failed');
            cb(smtpError(451, '4.3.0 try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => deps.logger.warn({ err }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
