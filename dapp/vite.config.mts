// Vite build of the dApp. `npm run dev` proxies /api/* and /config.json to a dApp server started by `npm start`
// (DAPP_URL, default the stack's http://127.0.0.1:5173): the dev server then needs no chain of its own.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// The shared protocol code (packet encoding, Merkle proofs) runs in the browser too; its one node:crypto use there
// is SHA-256, served by a shim on @noble/hashes.
const cryptoShim = fileURLToPath(new URL("./src/shims/node-crypto.ts", import.meta.url));

const stackDapp = process.env.DAPP_URL ?? "http://127.0.0.1:5173";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "node:crypto": cryptoShim } },
  server: {
    port: 5174,
    proxy: { "/api": stackDapp, "/config.json": stackDapp },
  },
  build: {
    target: "es2022",
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.tsx", "test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
  },
});
