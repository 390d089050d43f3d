// Worker thread body: verifies chunks of raw packets (JSON text) with protocol's verifyPacket (node:crypto).
import { parentPort } from "node:worker_threads";
import { verifyPacket } from "../../../protocol";
import type { VerifyJob, VerifyOutcome } from "./verifyPool";

parentPort?.on("message", (job: VerifyJob) => {
  const results: VerifyOutcome[] = job.payloads.map(verifyRaw);
  parentPort?.postMessage({ id: job.id, results });
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
