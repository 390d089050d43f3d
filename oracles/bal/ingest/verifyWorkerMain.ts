// Worker thread body: verifies chunks of raw packets (JSON text) with protocol's verifyPacket (node:crypto), and
// builds batch trees for the anchorer (keccak over every leaf, the other CPU-heavy job of the BAL).
import { parentPort } from "node:worker_threads";
import { verifyPacket } from "../../../protocol";
import { buildBatchProofBlob } from "../scd/proofBlob";
import type { WorkerJob, WorkerReply, VerifyOutcome } from "./verifyPool";

parentPort?.on("message", (job: WorkerJob) => {
  if (job.type === "tree") {
    let reply: WorkerReply;
    try {
      reply = { id: job.id, tree: buildBatchProofBlob(job.hashes) };
    } catch (error) {
      reply = { id: job.id, error: (error as Error).message };
    }
    parentPort?.postMessage(reply, reply.tree ? [reply.tree.proofBlob.bytes.buffer as ArrayBuffer] : []);
    return;
  }
  const results: VerifyOutcome[] = job.payloads.map(verifyRaw);
  parentPort?.postMessage({ id: job.id, results } satisfies WorkerReply);
});

export function verifyRaw(payload: string): VerifyOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { ok: false, reason: "malformed", detail: "not JSON" };
  }
  const r = verifyPacket(parsed);
  return r.ok ? { ok: true, packet: r.packet } : { ok: false, reason: r.reason, detail: r.detail };
}
