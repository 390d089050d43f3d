// Signature verification spread over worker threads: chunks of raw packets go round-robin to N workers, each
// running protocol's verifyPacket (OpenSSL P-256). The main thread stays free for MQTT, SQL and batching. The same
// workers build the anchorer's batch trees (keccak over 10,000 leaves is ~0.3 s of CPU).
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { SignedPacket, VerifyFailure } from "../../../protocol";
import type { BatchProofBlob } from "../scd/proofBlob";

export type VerifyOutcome = { ok: true; packet: SignedPacket } | { ok: false; reason: VerifyFailure; detail: string };
export type WorkerJob =
  { id: number; type: "verify"; payloads: string[] } | { id: number; type: "tree"; hashes: string[] };
export interface WorkerReply {
  id: number;
  results?: VerifyOutcome[];
  tree?: BatchProofBlob;
  error?: string;
}

export interface Verifier {
  verify(payloads: string[]): Promise<VerifyOutcome[]>;
  close(): Promise<void>;
}

/** Verifies on the calling thread (tests, one-core machines, reference for the benchmark). */
export function inlineVerifier(): Verifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { verifyRaw } = require("./verifyWorkerMain") as typeof import("./verifyWorkerMain");
  return { verify: async (payloads) => payloads.map(verifyRaw), close: async () => undefined };
}

export class WorkerVerifyPool implements Verifier {
  private readonly _workers: Worker[];
  private readonly _pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private _nextId = 1;
  private _rr = 0;

  constructor(
    readonly size = Math.max(1, os.availableParallelism()),
    /** packets per message to a worker: amortises the thread hop */
    readonly chunk = 256,
  ) {
    this._workers = Array.from({ length: size }, () => {
      // a young generation of 64 MB semi-spaces (default 16): each chunk allocates its payloads, parsed packets and
      // results at once, and the default scavenges so often that GC took a third of the worker's time
      const w = new Worker(path.join(__dirname, "verifyWorker.js"), {
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
      });
      w.on("message", (m: WorkerReply) => {
        const p = this._pending.get(m.id);
        this._pending.delete(m.id);
        // idle workers must not keep the process alive, busy ones must (or it exits mid-verify)
        if (this._pending.size === 0) for (const x of this._workers) x.unref();
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m);
      });
      w.on("error", (e) => {
        for (const p of this._pending.values()) p.reject(e);
        this._pending.clear();
      });
      w.unref();
      return w;
    });
  }

  /** Resolves once every worker has loaded (ts-node start-up takes a moment). */
  async ready(): Promise<void> {
    await Promise.all(this._workers.map((w) => this.post(w, { type: "verify", payloads: [] })));
  }

  async verify(payloads: string[]): Promise<VerifyOutcome[]> {
    if (payloads.length === 0) return [];
    const chunks: Promise<WorkerReply>[] = [];
    const per = Math.max(1, Math.min(this.chunk, Math.ceil(payloads.length / this.size)));
    for (let i = 0; i < payloads.length; i += per) {
      const w = this._workers[this._rr++ % this.size]!;
      chunks.push(this.post(w, { type: "verify", payloads: payloads.slice(i, i + per) }));
    }
    return (await Promise.all(chunks)).flatMap((r) => r.results ?? []);
  }

  /** A batch's root and proof blob, built on the next worker (the anchorer's tree builder). */
  buildTree = async (hashes: string[]): Promise<BatchProofBlob> => {
    const w = this._workers[this._rr++ % this.size]!;
    const reply = await this.post(w, { type: "tree", hashes });
    if (!reply.tree) throw new Error("worker returned no tree");
    return reply.tree;
  };

  private post(w: Worker, job: { type: "verify"; payloads: string[] } | { type: "tree"; hashes: string[] }) {
    const id = this._nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this._pending.size === 0) for (const x of this._workers) x.ref();
      this._pending.set(id, { resolve, reject });
      w.postMessage({ id, ...job } satisfies WorkerJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this._workers.map((w) => w.terminate()));
  }
}
