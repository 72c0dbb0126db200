import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { PersonalDataCrypto } from './lib/personal-data-crypto.js';

/** What every module needs from the outside world, built once in `main.ts` (or a test) and handed to `buildApp`. */
export interface Deps {
  config: Config;
  db: Db;
  crypto: PersonalDataCrypto;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}
