/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API serves the built files under /dashboard/ (same origin as /api/v1).
export default defineConfig({
  base: "/dashboard/",
  plugins: [react()],
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    // dist/.vite/manifest.json: the entry chunk and its imports, read by scripts/bundle-size.mjs.
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    setupFiles: ["src/test/setup.ts"],
    // react-admin renders slowly on a shared machine; waits are set in src/test/setup.ts.
    testTimeout: 30_000,
  },
});
