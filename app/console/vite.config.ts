import { defineConfig } from 'vite'

// The API server `npm run dev` proxies to (VMS_API, default the server's own default).
const api = process.env.VMS_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  // JSX compiles to Preact's automatic runtime (tsconfig says the same for type checking).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Modern browsers preload modules themselves; no polyfill script is needed.
    modulePreload: { polyfill: false },
    // Every asset is a file of our own origin, never a data: URL inside a script.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/v1': { target: api, changeOrigin: false },
      '/docs': { target: api },
      '/healthz': { target: api },
      '/readyz': { target: api },
    },
  },
})
