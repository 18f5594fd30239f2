// One client for the whole app. Cookie mode: the tokens are HttpOnly cookies set by the server,
// so no script (and no XSS) can read them; localStorage only holds expiry times and the CSRF
// token, so a reload and the other tabs know the session without asking the server.
import { createTesseraClient } from 'tessera/client';

export const auth = createTesseraClient({
  baseUrl: '', // the page's own origin (the Vite proxy in development)
  mode: 'cookie',
  storage: window.localStorage,
});

// Bearer mode instead (for an API on another site without cookies, or a simplejwt server):
//   createTesseraClient({ baseUrl: 'https://api.example.com' })   // tokens in memory, per tab
