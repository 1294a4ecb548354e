// Vite builds the UI into ui/dist, which tauri.conf.json serves (build.frontendDist). The dev server's
// port matches build.devUrl. Vitest reads its settings from here too.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Linux), WKWebView (macOS 12+) and WebView2 all run ES2022.
    target: 'es2022',
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
