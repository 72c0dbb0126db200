import type { Logger } from 'pino';

/** Where text messages go. Drivers for a real gateway plug in here; the platform ships the logging driver. */
export interface SmsGateway {
  /** Throws only when the message was certainly not sent (so the outbox may try again). */
  send(message: { to: string; text: string; dedupeKey: string }): Promise<void>;
}

/** Writes each message to the log instead of sending it: the default on an intranet without a gateway. */
export function createLoggingSmsGateway(log: Logger): SmsGateway {
  return {
    async send(message) {
      log.info(
        { sms: { to: message.to.replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2'), text: message.text, key: message.dedupeKey } },
        'sms (logging driver)',
      );
    },
  };
}
