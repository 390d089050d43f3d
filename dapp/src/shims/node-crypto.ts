// The part of node:crypto the shared protocol code needs in the browser: createHash("sha256") on @noble/hashes.
// The protocol's OpenSSL fast paths (createPublicKey, verify) are server-only; the dApp uses the portable @noble
// verification, so reaching them here is a bug and says so.
import { sha256 } from "@noble/hashes/sha2.js";

export function createHash(algorithm: string) {
  if (algorithm !== "sha256") throw new Error(`dApp crypto shim: only sha256, not ${algorithm}`);
  const chunks: Uint8Array[] = [];
  const hash = {
    update(data: Uint8Array | string) {
      chunks.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest(encoding?: "hex") {
      const h = sha256.create();
      for (const c of chunks) h.update(c);
      const out = h.digest();
      return encoding === "hex" ? Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("") : out;
    },
  };
  return hash;
}

function serverOnly(name: string): never {
  throw new Error(`node:crypto ${name} is not available in the browser`);
}
export const createPublicKey = () => serverOnly("createPublicKey");
export const verify = () => serverOnly("verify");
export default { createHash, createPublicKey, verify };
