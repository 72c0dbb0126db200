import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERRORS, type ErrorBody, type ErrorCode } from '../../shared/errors.js';

/** An expected failure with a stable code from the catalogue; anything else is a 500. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
  ) {
    super(code);
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

export function errorBody(code: ErrorCode, details?: unknown): ErrorBody {
  return details === undefined ? { code, message: ERRORS[code].zh } : { code, message: ERRORS[code].zh, details };
}

/** One global handler: catalogue codes pass through; validation becomes VALIDATION_FAILED; 5xx details stay in the log. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      request.log.info({ code: err.code }, 'request refused');
      return reply.status(err.status).send(errorBody(err.code, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        message: v.message,
      }));
      // A refinement whose message is a catalogue code (ID_NUMBER_INVALID, PHONE_INVALID) names the error.
      const specific = issues.map((i) => i.message).find((m): m is ErrorCode => !!m && m in ERRORS);
      return reply.status(400).send(errorBody(specific ?? 'VALIDATION_FAILED', issues));
    }
    if (err.statusCode === 429) {
      // The rate limiter throws what its errorResponseBuilder made: keep a catalogue code it names.
      const code = err.code in ERRORS ? (err.code as ErrorCode) : 'RATE_LIMITED';
      return reply.status(429).send(errorBody(code));
    }
    if (err.statusCode === 415) return reply.status(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // The logger's error serialiser masks what the message quotes (a JSON parse error quotes the body).
      request.log.info({ err }, 'bad request');
      return reply.status(err.statusCode).send(errorBody('VALIDATION_FAILED', { reason: err.code ?? 'bad request' }));
    }
    // The serialiser (lib/logger.ts) logs a failed query's SQL without its parameters, and the causes with it.
    request.log.error({ err }, isResponseSerializationError(err) ? 'response did not match its schema' : 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL_ERROR'));
  });
});
