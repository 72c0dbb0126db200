import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { alertMessageSchema } from '../../../shared/schemas/cameras.js';
import { AppError } from '../../plugins/errors.js';

export interface CameraMqttHandlers {
  alert(cameraCode: string, message: ReturnType<typeof alertMessageSchema.parse>): Promise<unknown>;
  heartbeat(cameraCode: string): Promise<unknown>;
}

export interface CameraMqttOptions {
  url: string;
  topicPrefix: string;
  /** Names the subscriber's session (so QoS 1 messages wait at the broker while the platform restarts). */
  clientId: string;
  log: Logger | undefined;
  handlers: CameraMqttHandlers;
}

/**
 * Subscribes to the devices' alerts and heartbeats: `<prefix>/<camera code>/alert` and `…/heartbeat`, QoS 1, as a
 * shared subscription (`$share/fengqiao/…`, MQTT 5) so several platform instances split the messages instead of
 * each handling all. A message is acknowledged only after it is handled (mqtt.js acks when `handleMessage` calls
 * back), one at a time: a crash mid-handling leaves it at the broker to be delivered again, and a database outage
 * holds the queue until the message is handled. A message that can
 * never be handled (bad JSON, unknown camera) is logged and acknowledged, so it does not block the queue. A broker
 * that is down at start is retried every two seconds; `ready` resolves at the first subscription.
 */
export function startCameraMqtt(opts: CameraMqttOptions): { client: MqttClient; ready: Promise<void> } {
  const { url, topicPrefix, clientId, log, handlers } = opts;
  const client = mqtt.connect(url, {
    clientId,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 24 * 3600 },
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  const pattern = new RegExp(`^${topicPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/]+)/(alert|heartbeat)$`);
  client.handleMessage = (packet, done) => {
    const match = pattern.exec(packet.topic);
    const finish = () => done();
    if (!match) return finish();
    const [, cameraCode, kind] = match;
    const handle = async () => {
      if (kind === 'heartbeat') return handlers.heartbeat(cameraCode!);
      const parsed = alertMessageSchema.safeParse(JSON.parse(packet.payload.toString('utf8')));
      if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues);
      return handlers.alert(cameraCode!, parsed.data);
    };
    const attempt = (tries: number): void => {
      handle().then(finish, (err: unknown) => {
        if (err instanceof AppError || err instanceof SyntaxError) {
          log?.warn({ topic: packet.topic, err: err instanceof AppError ? err.code : err.message }, 'camera message refused');
          finish();
        } else if (client.disconnecting) {
          // Shutting down: not acknowledged, so the broker delivers it again to the next session.
        } else {
          // The database is unreachable or similar: keep the message unacknowledged and try again.
          log?.error({ err, topic: packet.topic, tries }, 'camera message not handled yet; retrying');
          setTimeout(() => attempt(tries + 1), Math.min(1000 * 2 ** tries, 30_000)).unref();
        }
      });
    };
    attempt(0);
  };
  client.on('error', (err) => log?.warn({ err: err.message }, 'mqtt error'));
  const filters = [`$share/fengqiao/${topicPrefix}/+/alert`, `$share/fengqiao/${topicPrefix}/+/heartbeat`];
  // (Re)subscribe on every connection: harmless when the broker kept the session, needed when it did not.
  const ready = new Promise<void>((resolve) => {
    client.on('connect', () => {
      client.subscribeAsync(filters, { qos: 1 }).then(
        () => {
          log?.info({ url, filters }, 'listening for camera alerts over MQTT');
          resolve();
        },
        (err: Error) => log?.error({ err: err.message }, 'mqtt subscribe failed'),
      );
    });
  });
  return { client, ready };
}
