/** The HTTP suite against the bundled server, started through the real CLI on SQLite. */
import { startCliServer } from '../support/cli-server.js';
import { describeApi } from './api-suite.js';

describeApi('bundled server (SQLite)', (env) => startCliServer(env));
