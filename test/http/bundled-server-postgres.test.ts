/** The HTTP suite against the bundled server on PostgreSQL (each server in its own schema). */
import { afterAll, beforeAll } from 'vitest';
import { startCliServer } from '../support/cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from '../support/postgres.js';
import { describeApi } from './api-suite.js';

beforeAll(requirePostgres);
afterAll(dropTestSchemas);

describeApi('bundled server (PostgreSQL)', (env) => startCliServer(env, { databaseUrl: freshPostgresUrl() }));
