// The Light Node's P-256 key and sequence counter in its data dir: created on first start, kept across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { generateLightNodeKey, publicKeyOf, type LightNodeKey } from "../../protocol";
import { writeFileDurably } from "./diskQueue";

// UNFINISHED: key rotation from the device. LightNodeRegistry.rotateKey and the off-chain helpers
// (oracles/bal/chain/keyRegister.ts: rotationMessage, signRotation) are done and tested; no command or MQTT flow
// yet generates the new key here, gets the rotation on chain and switches keys after confirmation.
/** Loads `<dataDir>/node-key.json`, or creates it (mode 0600) on first start. */
export function loadOrCreateNodeKey(dataDir: string): LightNodeKey & { created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "node-key.json");
  if (existsSync(file)) {
    const { privateKey } = JSON.parse(readFileSync(file, "utf8")) as { privateKey: Hex };
    const bytes = hexToBytes(privateKey);
    return { privateKey: bytes, publicKey: publicKeyOf(bytes), created: false };
  }
  const key = generateLightNodeKey();
  writeFileSync(file, JSON.stringify({ privateKey: bytesToHex(key.privateKey), publicKey: key.publicKey }, null, 2), {
    mode: 0o600,
  });
  return { ...key, created: true };
}

/**
 * The node's packet counter. Persisted (fsynced) before each packet is signed, so a restart, even after a power cut,
 * never reuses a sequence number (the BAL would refuse it as a replay). Reserving ahead in blocks keeps disk writes
 * rare. A full disk does not stop the node: it counts on in memory (should it then crash, a reused number is
 * refused by the BAL as a replay and the node is told).
 */
export class SequenceCounter {
  private readonly _file: string;
  private _next: number;
  private _reservedUntil: number;

  /** reservations the disk refused */
  writeFailures = 0;

  constructor(
    dataDir: string,
    private readonly block = 100,
    private readonly write: (file: string, text: string) => void = writeFileDurably,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this._file = path.join(dataDir, "sequence");
    const stored = existsSync(this._file) ? Number(readFileSync(this._file, "utf8").trim()) : 0;
    // whatever was reserved before a crash may have been used: start after it
    this._next = Number.isSafeInteger(stored) && stored > 0 ? stored : 1;
    this._reservedUntil = this._next;
  }

  next(): number {
    if (this._next >= this._reservedUntil) {
      const until = this._next + this.block;
      try {
        this.write(this._file, String(until));
        this._reservedUntil = until;
      } catch {
        this.writeFailures++;
        return this._next++; // try to reserve again with the next packet
      }
    }
    return this._next++;
  }
}
