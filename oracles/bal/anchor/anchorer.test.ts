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
import type { IMeasurementAnchor } from "../../../typechain-types/contracts/interfaces/IMeasurementAnchor";
import { waitFor } from "../testing/wait";

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

  it("finds a batch anchored before a crash from its checkpoint, in ranges a public RPC accepts", async () => {
    const chain = await deployBalContracts();
    const provider = chain.hre.ethers.provider;
    await provider.send("hardhat_mine", ["0xbb8"]); // 3,000 blocks of history before the batch
    const store = await ScdStore.open(await openPglite());
    await store.insertPackets([6, 7].map(packet));
    const pending = (await store.cutBatch(10, buildBatchProofs))!;
    await store.setBatchCheckpoint(pending.id, await provider.getBlockNumber());
    const anchor = IMeasurementAnchor__factory.connect(chain.anchorAddress, chain.bal);
    // sent, then the crash: neither the transaction hash nor the anchoring was recorded
    const tx = await anchor.anchorBatch(pending.root, pending.fromMs, pending.toMs, pending.count);
    await tx.wait();
    const ranges: [number, number][] = [];
    const limited = new Proxy(anchor, {
      get(target, prop, receiver) {
        if (prop !== "queryFilter") return Reflect.get(target, prop, receiver);
        return (filter: unknown, from?: number, to?: number) => {
          if (from === undefined || to === undefined || to - from >= 1000)
            return Promise.reject(
              new Error(`query returned more than 10000 results / range too large (${from}..${to})`),
            );
          ranges.push([from, to]);
          return target.queryFilter(filter as Parameters<typeof target.queryFilter>[0], from, to);
        };
      },
    }) as IMeasurementAnchor;
    await new Anchorer(store, limited, log, { maxBatch: 10, intervalMs: 60_000, maxLogRange: 1000 }).run();
    expect(await store.batch(pending.id)).to.include({ status: "anchored", txHash: tx.hash });
    expect(ranges.length).to.be.greaterThan(0);
    expect(Math.min(...ranges.map((r) => r[0]))).to.be.at.least(3000);
    await store.close();
  });

  it("replaces an anchoring transaction that is not mined in time (same nonce, higher fees)", async () => {
    const chain = await deployBalContracts();
    const provider = chain.hre.ethers.provider;
    const store = await ScdStore.open(await openPglite());
    await store.insertPackets([8, 9].map(packet));
    const anchor = IMeasurementAnchor__factory.connect(chain.anchorAddress, chain.bal);
    const before = await anchor.batchCount();
    const anchorer = new Anchorer(store, anchor, log, { maxBatch: 10, intervalMs: 60_000, txTimeoutMs: 300 });
    await provider.send("evm_setAutomine", [false]);
    let round: Promise<void> | undefined;
    try {
      round = anchorer.run();
      await waitFor("a replacement", () => anchorer.stats.replaced >= 1, 20_000);
    } finally {
      await provider.send("evm_setAutomine", [true]);
      await provider.send("evm_mine", []);
    }
    await round;
    const [batch] = await store.batches(1);
    expect(batch).to.include({ status: "anchored" });
    expect(batch!.txHash).to.equal(batch!.submittedTx);
    expect(await anchor.batchCount()).to.equal(before + 1n);
    await store.close();
  });

  it("anchors again a batch whose anchoring a reorg undid, and makes it final only N blocks deep", async () => {
    const chain = await deployBalContracts();
    const provider = chain.hre.ethers.provider;
    const store = await ScdStore.open(await openPglite());
    await store.insertPackets([10, 11].map(packet));
    const anchor = IMeasurementAnchor__factory.connect(chain.anchorAddress, chain.bal);
    const anchorer = new Anchorer(store, anchor, log, { maxBatch: 10, intervalMs: 60_000, confirmations: 3 });
    const snapshot = await provider.send("evm_snapshot", []);
    await anchorer.run();
    const [anchored] = await store.batches(1);
    expect(anchored).to.include({ status: "anchored", final: false });
    await provider.send("evm_revert", [snapshot]); // the block holding the anchoring is gone
    await provider.send("hardhat_mine", ["0x5"]);
    expect(await anchor.isAnchored(anchored!.root)).to.equal(false);
    await anchorer.run();
    expect(anchorer.stats.reorged).to.equal(1);
    expect(await anchor.isAnchored(anchored!.root)).to.equal(true);
    expect(await store.batch(anchored!.id)).to.include({ status: "anchored", final: false });
    await provider.send("hardhat_mine", ["0x3"]);
    await anchorer.run();
    expect(await store.batch(anchored!.id)).to.include({ status: "anchored", final: true });
    await store.close();
  });
});
