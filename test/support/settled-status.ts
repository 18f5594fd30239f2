/**
 * Waiting for a relayed revocation (Redis pub/sub, cluster messages) to reach a server: poll
 * briefly, never sleep blind, since a published message takes a few milliseconds.
 */
import type { client } from '../http/api-suite.js';

/** The status `api` answers on GET /protected/ for `access` once it is 401, or the last one after two seconds. */
export async function statusSettled(api: ReturnType<typeof client>, access: string): Promise<number> {
  let status = 0;
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((wake) => setTimeout(wake, 20))) {
    status = (await api.get('/protected/', access)).status;
    if (status === 401) break;
  }
  return status;
}
