// The dev server proxies the API, so the page and the API share one origin (the recommended
// same-site set-up: cookies with SameSite=Lax, no CORS). See docs/frontends.md.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TESSERA_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api/': api,
      '/accounts/': api,
      '/protected/': api,
      '/hello/': api,
    },
  },
});
