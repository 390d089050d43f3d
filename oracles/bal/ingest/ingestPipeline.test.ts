// The ingest pipeline's order, time and key rules against an in-memory SCD: nothing a node signed is refused because
// of the BAL's own failure, time goes forward per node, and a revoked key certifies nothing that arrives later.
import { expect } from "chai";
import { createLogger, generateLightNodeKey, signPacket, topics, type Measurement } from "../../../protocol";
import { openPglite } from "../scd/sqlClient";
import { ScdStore } from "../scd/scdStore";
import { DEFAULT_LIMITS, IngestPipeline, type IngestOutcome } from "./ingestPipeline";
import { InMemoryKeyRegister } from "./keyRegister";
import { inlineVerifier } from "./verifyPool";

const POD = "IT002E61899978";
const silent = createLogger("test", "silent");

describe("IngestPipeline", () => {
  let store: ScdStore;
  let keys: InMemoryKeyRegister;
  let now: number;
  const key = generateLightNodeKey();
  const reading = (sequence: number, timestampMs = now - 60_000 + sequence * 1000): Measurement => ({
    pod: POD,
    timestampMs,
    sequence,
    activePowerW: 1000 + sequence,
    reactivePowerVar: 0,
    importedEnergyWh: sequence,
    exportedEnergyWh: 0,
    meterStatus: 0,
  });
  const payload = (m: Measurement, privateKey = key.privateKey) =>
    JSON.stringify(signPacket("measurement", m, privateKey));
  let pipeline: IngestPipeline;
  const submit = (p: string) => pipeline.submit(topics.measurements(POD), p);

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1, 12);
    store = await ScdStore.open(await openPglite());
    keys = new InMemoryKeyRegister(false);
    keys.register(POD, key.publicKey, 0);
    pipeline = new IngestPipeline(store, inlineVerifier(), keys, silent, DEFAULT_LIMITS, () => now);
    await pipeline.start();
  });
  afterEach(() => store.close());

  it("stores the readings of a failed flush when they come again after later ones were stored", async () => {
    const insert = store.insertPackets.bind(store);
    let fail = true;
    store.insertPackets = (rows) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error("connection lost"));
      }
      return insert(rows);
    };
    const first = [1, 2, 3].map((s) => payload(reading(s)));
    const failed = await Promise.allSettled(first.map(submit));
    expect(failed.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
    const later = await Promise.all([4, 5].map((s) => submit(payload(reading(s)))));
    expect(later.every((o) => o.accepted)).to.equal(true);
    // the broker (or the node) sends the first three again
    const again = await Promise.all(first.map(submit));
    expect(again.map((o) => o.accepted)).to.deep.equal([true, true, true]);
    const stored = await store.packetsOfPod(POD, 0, now + 1);
    expect(stored.map((p) => p.seq)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it("refuses a gap filler whose time is not between its stored neighbours (time goes forward per node)", async () => {
    await Promise.all([1, 3].map((s) => submit(payload(reading(s)))));
    const late = await submit(payload(reading(2, now - 60_000 + 5000)));
    expect(late).to.include({ accepted: false, reason: "time-not-monotonic" });
  });

  it("refuses a next reading whose timestamp goes back", async () => {
    expect((await submit(payload(reading(1, now - 1000)))).accepted).to.equal(true);
    const back = await submit(payload(reading(2, now - 5000)));
    expect(back).to.include({ accepted: false, reason: "time-not-monotonic" });
  });

  it("refuses a backdated reading signed by a key that was revoked before the reading arrived", async () => {
    expect((await submit(payload(reading(1, now - 120_000)))).accepted).to.equal(true);
    keys.revoke(POD, now - 30_000);
    // signed 'before' the revocation by whoever holds the revoked key, arriving after it
    const backdated = await submit(payload(reading(2, now - 60_000)));
    expect(backdated).to.include({ accepted: false, reason: "key-not-valid-at-time" });
  });

  it("refuses readings older than the backlog bound and names it", async () => {
    const old = await submit(payload(reading(1, now - DEFAULT_LIMITS.maxAgeMs - 1)));
    expect(old).to.include({ accepted: false, reason: "timestamp-too-old" });
    expect(DEFAULT_LIMITS.maxAgeMs).to.be.at.most(48 * 3600_000);
  });

  it("tells a retryable refusal from a final one", async () => {
    const rogue = generateLightNodeKey();
    const unknown = (await submit(payload(reading(1), rogue.privateKey))) as Extract<
      IngestOutcome,
      { accepted: false }
    >;
    expect(unknown).to.include({ accepted: false, reason: "unknown-key", retryable: true });
    const future = (await submit(payload(reading(2, now + 3600_000)))) as Extract<IngestOutcome, { accepted: false }>;
    expect(future).to.include({ reason: "timestamp-in-future", retryable: true });
    const tampered = JSON.parse(payload(reading(3))) as { data: Measurement };
    tampered.data.activePowerW = 1;
    const bad = (await submit(JSON.stringify(tampered))) as Extract<IngestOutcome, { accepted: false }>;
    expect(bad).to.include({ reason: "hash-mismatch", retryable: false });
    expect(bad.hash).to.match(/^0x[0-9a-f]{64}$/);
  });
});
