/** Structured JSON logs (pino). Secrets are redacted by path so they never reach a log line. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mostrador' },
    redact: {
      paths: ['token', '*.token', 'password', '*.password', 'cookie', '*.cookie', 'headers.cookie', 'authorization', '*.authorization', 'secretKey', '*.secretKey', 'webhookSecret', '*.webhookSecret', 'accessToken', '*.accessToken', 'consumerKey', '*.consumerKey', 'consumerSecret', '*.consumerSecret'],
      censor: '[redacted]',
    },
  });
}
