// Anchoring after a crash: a batch cut but not anchored is anchored once; a batch anchored but not recorded is
// recorded from the chain, never anchored a second time.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { buildBatchProofs, createLogger } from "../../../protocol";
import { IMeasurementAnchor__factory } from "../../../typechain-types/factories/contracts/interfaces/IMeasurementAnchor__factory";
import { openPglite } from "../scd/sqlClient";
import { ScdStore, type NewPacket } from "../scd/scdStore";
import { deployBalContracts } from "../testing/chain";
import { Anchorer } from "./anchorer";

const h = (s: string) => "0x" + createHash("sha256").update(s).digest("hex");
const packet = (seq: number): NewPacket => ({
  hash: h(`p${seq}`),
  kind: "measurement",
  pod: "IT002E61899978",
  seq,
  timestampMs: 1_700_000_000_000 + seq,
  publicKey: "0x04",
  signature: "0x",
  data: { seq },
  receivedMs: 1,
});

describe("Anchorer", function () {
  this.timeout(120_000);
  const log = createLogger("test", "silent");

  it("anchors a batch left pending by a crash exactly once", async () => {
    const chain = await deployBalContracts();
    const store = await ScdStore.open(await openPglite());
    await store.insertPackets([1, 2, 3].map(packet));
    const pending = await store.cutBatch(10, buildBatchProofs);
    const anchor = IMeasurementAnchor__factory.connect(chain.anchorAddress, chain.bal);
    const before = await anchor.batchCount();
    const anchorer = new Anchorer(store, anchor, log, { maxBatch: 10, intervalMs: 60_000 });
    await anchorer.run();
    await anchorer.run();
    expect(await anchor.batchCount()).to.equal(before + 1n);
    expect(await anchor.isAnchored(pending!.root)).to.equal(true);
    expect((await store.batch(pending!.id))?.status).to.equal("anchored");
    await store.close();
  });

  it("records a batch anchored before the crash without anchoring it again", async () => {
    const chain = await deployBalContracts();
    const store = await ScdStore.open(await openPglite());
    await store.insertPackets([4, 5].map(packet));
    const pending = (await store.cutBatch(10, buildBatchProofs))!;
    const anchor = IMeasurementAnchor__factory.connect(chain.anchorAddress, chain.bal);
    const tx = await anchor.anchorBatch(pending.root, pending.fromMs, pending.toMs, pending.count);
    await tx.wait();
    const count = await anchor.batchCount();
    await new Anchorer(store, anchor, log, { maxBatch: 10, intervalMs: 60_000 }).run();
    expect(await anchor.batchCount()).to.equal(count);
    expect(await store.batch(pending.id)).to.include({
      status: "anchored",
      txHash: tx.hash,
      chainBatchId: Number(count) - 1,
    });
    await store.close();
  });
});
