// Builds the renderer (the React UI) for both shells. `base: './'` keeps every asset URL relative, so the same
// bundle loads from file:// in Electron and from the browser shell's local HTTP server.
import { defineConfig, type Plugin } from 'vite';

// The dev server injects CSS as <style> tags, which the page's strict CSP (style-src 'self') refuses. Only for
// `vite` (serve), relax the meta CSP to allow them; builds keep the strict policy.
const devCsp: Plugin = {
  name: 'simdeck-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [devCsp],
  // Vite 8 compiles TSX itself (oxc); use React's automatic JSX runtime, matching tsconfig "jsx": "react-jsx".
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // The CSP allows no inline scripts or styles and no network assets: keep everything in files.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: { host: '127.0.0.1' },
});
