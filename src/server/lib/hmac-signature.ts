import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of webhook bodies, both ways (our status callbacks, the cameras' alerts): HMAC-SHA256 over
 * `<unix seconds>.<raw body>`, sent as `X-Fengqiao-Timestamp` and `X-Fengqiao-Signature: sha256=<hex>`.
 * The timestamp inside the signature stops an old delivery from being replayed later.
 */
export const SIGNATURE_HEADER = 'x-fengqiao-signature';
export const TIMESTAMP_HEADER = 'x-fengqiao-timestamp';
/** How far a signed request's clock may be from ours. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function isValidSignature(opts: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  now?: Date;
}): boolean {
  const { secret, timestamp, signature, body } = opts;
  if (!timestamp || !signature || !/^\d{9,11}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
