import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The server `npm run dev` starts beside Vite (scripts/dev.mjs). */
const apiTarget = 'http://127.0.0.1:3001';

export default defineConfig({
  root: 'client',
  plugins: [react()],
  resolve: {
    // zod without its eval probe, which the CSP reports (client/zod-csp.ts); the shim itself imports zod/v4.
    alias: [{ find: /^zod$/, replacement: fileURLToPath(new URL('./client/zod-csp.ts', import.meta.url)) }],
  },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    // React + Tiptap + Yjs is large; the editor chunk only loads on the workspace route.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // A named vendor chunk for the first screen; Tiptap and Yjs stay in the lazily loaded workspace chunk.
        advancedChunks: {
          groups: [{ name: 'vendor', test: /node_modules[\\/](react|react-dom|scheduler|zod)[\\/]/ }],
        },
      },
    },
  },
  server: {
    port: 3000,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget },
      '/collab': { target: apiTarget.replace(/^http/, 'ws'), ws: true },
    },
  },
});
