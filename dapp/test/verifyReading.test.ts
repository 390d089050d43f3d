import { describe, expect, it } from "vitest";
import { p256 } from "@noble/curves/nist.js";
import { signPacket } from "../../protocol/src/signing";
import { buildBatchTree } from "../../protocol/src/merkle";
import { verifyCertificate } from "../src/chain/verifyReading";

const ANCHOR = "0x00000000000000000000000000000000000000aa";

function certificate() {
  const key = p256.utils.randomSecretKey();
  const other = signPacket(
    "measurement",
    {
      pod: "IT002E00000001",
      timestampMs: Date.UTC(2026, 5, 23, 12),
      sequence: 2,
      activePowerW: 900,
      reactivePowerVar: 0,
      importedEnergyWh: 10,
      exportedEnergyWh: 0,
      meterStatus: 0,
    },
    key,
  );
  const packet = signPacket(
    "measurement",
    {
      pod: "IT002E00000001",
      timestampMs: Date.UTC(2026, 5, 23, 12, 0, 5),
      sequence: 3,
      activePowerW: 1200,
      reactivePowerVar: -40,
      importedEnergyWh: 12,
      exportedEnergyWh: 0,
      meterStatus: 0,
    },
    key,
  );
  const tree = buildBatchTree([other.hash, packet.hash]);
  return {
    format: "flexgrid-certified-reading/1",
    chainId: 31337,
    packet,
    batch: { root: tree.root, status: "anchored", txHash: null },
    proof: tree.proofOf(packet.hash),
  };
}

/** A chain stub: the root is anchored and the anchor's own check answers `check`. */
function chain(anchoredRoot: string, check = 0) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      readContract: async ({ functionName, args }: { functionName: string; args: readonly unknown[] }) => {
        calls.push(functionName);
        if (functionName === "isAnchored") return args[0] === anchoredRoot;
        if (functionName === "checkReading") return check;
        throw new Error(functionName);
      },
    } as never,
  };
}

describe("verifyCertificate (in the browser)", () => {
  it("passes every check of a genuine certified reading", async () => {
    const cert = certificate();
    const { client, calls } = chain(cert.batch.root);
    const outcome = await verifyCertificate(cert, client, ANCHOR);
    expect(outcome.checks.map((c) => [c.check, c.ok])).toEqual([
      ["hash", true],
      ["signature", true],
      ["proof", true],
      ["anchored", true],
      ["on-chain", true],
    ]);
    expect(outcome.ok).toBe(true);
    expect(calls).toEqual(["isAnchored", "checkReading"]);
  });

  it("fails a reading whose data was altered after signing", async () => {
    const cert = certificate();
    cert.packet.data.activePowerW += 1;
    const outcome = await verifyCertificate(cert, chain(cert.batch.root, 6).client, ANCHOR);
    expect(outcome.ok).toBe(false);
    expect(outcome.checks.find((c) => c.check === "hash")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("it was altered"),
    });
    expect(outcome.checks.find((c) => c.check === "signature")?.ok).toBe(false);
  });

  it("fails a wrong proof and a root that is not anchored", async () => {
    const cert = certificate();
    cert.proof = [`0x${"00".repeat(32)}`];
    const outcome = await verifyCertificate(cert, chain("0xnot-this-root", 1).client, ANCHOR);
    expect(outcome.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(["proof", "anchored", "on-chain"]);
    expect(outcome.checks.at(-1)?.detail).toBe("the anchor contract says: RootNotAnchored");
  });

  it("answers a clear message for something that is not a certificate", async () => {
    const outcome = await verifyCertificate({ hello: 1 }, chain("").client, ANCHOR);
    expect(outcome).toMatchObject({
      ok: false,
      checks: [{ detail: expect.stringContaining("not a certified reading") }],
    });
  });
});
