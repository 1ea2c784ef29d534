/**
 * The response headers that make a page cross-origin isolated, the condition for SharedArrayBuffer and so for the
 * helper threads (helperWorkers.ts). Served by the dev and preview servers (vite.config.ts) and the test
 * servers; a static host that cannot send them still runs the app, each search on one thread. `require-corp`
 * only restricts cross-origin resources loaded without CORS, which the app has none of (Hugging Face downloads
 * are CORS fetches).
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
