/**
 * `tessera/client/axios`: the client as Axios interceptors. Axios is an optional peer: this
 * module imports only its types, so nothing of Axios is loaded unless the app loads it.
 *
 * Requests to the API's origin get the session's headers (refreshed first when due); a 401 is
 * retried once after a refresh, and only if the session is still the one the request used, so
 * N requests failing together cause one refresh (axios-auth-refresh #210/#288's loops cannot
 * happen: a retried request is never retried again).
 */
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { TesseraClient } from './tessera-client.js';

/** What the interceptors remember on a request's config. */
interface TesseraRequestState {
  /** The session version the request was signed with (`null`: sent without a session). */
  version: number | null;
  retried: boolean;
}

const STATE = Symbol('tessera');
type ConfigWithState = InternalAxiosRequestConfig & { [STATE]?: TesseraRequestState };

function isAxiosErrorWithConfig(error: unknown): error is AxiosError & { config: ConfigWithState } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isAxiosError?: unknown }).isAxiosError === true &&
    (error as AxiosError).config !== undefined
  );
}

/**
 * Installs the client on an Axios instance; returns a function that removes it.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { createTesseraClient } from 'tessera/client';
 * import { attachTesseraClient } from 'tessera/client/axios';
 *
 * const auth = createTesseraClient({ baseUrl: 'https://api.example.com' });
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * attachTesseraClient(api, auth);
 * await auth.login({ username: 'alice', password: 'correct-horse-77' });
 * const { data } = await api.get('/protected/');
 * ```
 */
export function attachTesseraClient(instance: AxiosInstance, client: TesseraClient): () => void {
  const onRequest = async (config: ConfigWithState): Promise<ConfigWithState> => {
    if (!client.ownsUrl(instance.getUri(config))) return config;
    const state = config[STATE] ?? (config[STATE] = { version: null, retried: false });
    const headers = await client.authHeaders((config.method ?? 'get').toUpperCase());
    state.version = client.version;
    for (const [name, value] of Object.entries(headers)) {
      // A retry replaces the credentials it went out with the first time; a caller's own header is kept.
      if (state.retried || !config.headers.has(name)) config.headers.set(name, value);
    }
    if (client.mode === 'cookie') config.withCredentials = true;
    return config;
  };

  const onError = async (error: unknown): Promise<AxiosResponse> => {
    if (!isAxiosErrorWithConfig(error) || error.response?.status !== 401) throw error;
    const state = error.config[STATE];
    if (state === undefined || state.retried || state.version === null) throw error;
    state.retried = true;
    const signedIn = await client.refresh({ ifVersion: state.version }).catch(() => false);
    if (!signedIn) throw error;
    return instance.request(error.config);
  };

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(undefined, onError);
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
