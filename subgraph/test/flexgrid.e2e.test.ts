// End to end: the FlexGrid contracts on an in-process Hardhat chain run a market day; the runner indexes it with the
// compiled mappings and its GraphQL answers are checked against the contracts' own views; then a reorg is undone.
import { expect } from "chai";
import { createPublicClient, custom } from "viem";
import type { PublicClient } from "viem";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ensureSubgraphBuild } from "../runner/build";
import { startSubgraphRunner } from "../runner/service";
import type { SubgraphRunner } from "../runner/service";
import { deployFlexGrid, runMarketDay, POD_CODES, POM_CODE, SLOT, WITHDRAWN_POD } from "./scenario";
import type { Platform } from "./scenario";

type Row = Record<string, unknown>;

describe("FlexGrid subgraph end to end (in-process Hardhat chain)", function () {
  this.timeout(300_000);
  let hre: HardhatRuntimeEnvironment;
  let client: PublicClient;
  let platform: Platform;
  let day: Awaited<ReturnType<typeof runMarketDay>>;
  let runner: SubgraphRunner;

  async function q(query: string): Promise<Row> {
    const result = await runner.query.execute(query);
    if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
    return result.data as Row;
  }

  before(async () => {
    const buildDir = ensureSubgraphBuild();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hre = require("hardhat") as HardhatRuntimeEnvironment;
    client = createPublicClient({ transport: custom(hre.network.provider) }) as PublicClient;
    platform = await deployFlexGrid(hre);
    day = await runMarketDay(hre, platform);
    runner = await startSubgraphRunner({ buildDir, client, addresses: platform.addresses, network: "hardhat" });
    await runner.sync();
  });

  after(async () => {
    await runner?.stop();
  });

  it("indexes up to the chain head without errors", async () => {
    const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
    const d = await q(`{ _meta { block { number } hasIndexingErrors } }`);
    expect(d._meta).to.deep.equal({ block: { number: head }, hasIndexingErrors: false });
  });

  it("ran every event handler of the manifest at least once", () => {
    // A voided session needs a wrong clearing proven by a challenge: mappings.test.ts runs that handler instead.
    // A withdrawal from a scheme is run from synthetic logs there too.
    const elsewhere = new Set([
      "MeritOrderChallenge.handleSessionResultVoided",
      "RemunerationScheme.handlePodWithdrawn",
    ]);
    const declared = [...runner.subgraph.dataSources, ...runner.subgraph.templates.values()]
      .flatMap((ds) => [...ds.handlers.values()].map((h) => `${ds.name}.${h.handler}`))
      .filter((name) => !elsewhere.has(name));
    const missing = declared.filter((name) => !runner.mappings.handled.has(name));
    expect(missing).to.deep.equal([]);
  });

  it("serves PoDs as the PodRegistry holds them", async () => {
    const d = await q(
      `{ pods(where: { status: Registered }, orderBy: index) { id code index status qualification qualifiedUpKw qualifiedDownKw aggregator { id } pom { code podCount } history { kind } } }`,
    );
    const pods = d.pods as Row[];
    expect(pods.map((p) => p.code)).to.deep.equal(POD_CODES);
    for (const pod of pods) {
      const flex = await platform.registry.flexibilityOf(pod.id as string);
      expect(pod.index).to.equal(Number(flex.index));
      expect((pod.aggregator as Row).id).to.equal(flex.aggregator.toLowerCase());
      expect(pod.status).to.equal(["None", "Registered", "Deregistered"][Number(flex.status)]);
      expect(pod.qualification).to.equal(
        ["Pending", "Confirmed", "Modulated", "Invalidated"][Number(flex.qualification)],
      );
      expect(pod.qualifiedUpKw).to.equal(Number(flex.qualifiedUpKw));
      expect(pod.qualifiedDownKw).to.equal(Number(flex.qualifiedDownKw));
      expect((pod.pom as Row).code).to.equal(
        hre.ethers.decodeBytes32String(await platform.registry.pomOf(pod.id as string)),
      );
      expect((pod.history as Row[]).map((h) => h.kind)).to.include.members([
        "Registered",
        "QualificationChanged",
        "MappedToPom",
      ]);
    }
    expect((pods[0].pom as Row).podCount).to.equal(POD_CODES.length);
    expect((pods[0].pom as Row).code).to.equal(POM_CODE);
  });

  it("serves Light Node keys and their history as the LightNodeRegistry holds them", async () => {
    for (const podId of day.pods) {
      const history = await platform.keys.keyHistory(podId);
      const d = await q(
        `{ lightNodeKeys(where: { pod: "${podId}" }, orderBy: registeredAt) { qx qy status validFromMs endedAtMs } }`,
      );
      const keys = d.lightNodeKeys as Row[];
      expect(keys.length).to.equal(history.length);
      for (const record of history) {
        const key = keys.find((k) => k.qx === record.qx.toLowerCase());
        expect(key, "key indexed").to.not.equal(undefined);
        expect(key!.validFromMs).to.equal(record.validFromMs.toString());
      }
    }
    const statuses = await q(
      `{ active: lightNodeKeys(where: { status: Active }) { id } rotated: lightNodeKeys(where: { status: Rotated }) { replacedBy { status } } revoked: lightNodeKeys(where: { status: Revoked }) { pod { code } } }`,
    );
    // Every PoD got a key; the first was rotated (its successor is active), the last revoked.
    expect((statuses.active as Row[]).length).to.equal(2);
    expect(statuses.rotated).to.deep.equal([{ replacedBy: { status: "Active" } }]);
    expect(statuses.revoked).to.deep.equal([{ pod: { code: POD_CODES[2] } }]);
  });

  it("serves measurement batches as the MeasurementAnchor holds them", async () => {
    const d = await q(
      `{ measurementBatches(orderBy: batchId) { root fromMs toMs count } platform(id: "flexgrid") { batchCount measurementCount } }`,
    );
    const batches = d.measurementBatches as Row[];
    expect(batches.length).to.equal(day.batches.length);
    for (const b of batches) {
      const onChain = await platform.anchor.batchOfRoot(b.root as string);
      expect([b.fromMs, b.toMs, b.count]).to.deep.equal([
        onChain.fromMs.toString(),
        onChain.toMs.toString(),
        Number(onChain.count),
      ]);
    }
    expect(d.platform).to.deep.equal({
      batchCount: 2,
      measurementCount: String(day.batches.reduce((s, b) => s + b.count, 0)),
    });
  });

  it("serves the session, its requests and offers as the FlexMarket holds them", async () => {
    const s = await platform.market.session(day.sessionId);
    const d = await q(
      `{ session(id: "${day.sessionId}") { day kind status inputsHash awardCount gateClosureTime requests(orderBy: requestId) { requestId kind status targetPowerKw pods { code } pom { code } } offers(orderBy: offerId) { offerId status curveHash maxQuantityKw minPriceMilliEurPerKw replacedBy { offerId } steps(orderBy: index) { quantityKw priceMilliEurPerKw } } finalOutcome { awardCount } } }`,
    );
    const session = d.session as Row;
    expect(session.day).to.equal(Number(s.day));
    expect(session.status).to.equal("Finalised");
    expect(Number(s.status)).to.equal(6); // SessionStatus.Finalised on chain
    expect(session.inputsHash).to.equal(s.inputsHash);
    expect(session.awardCount).to.equal(Number(s.awardCount));
    expect(session.gateClosureTime).to.equal(s.gateClosureTime.toString());
    expect(session.finalOutcome).to.deep.equal({ awardCount: Number(s.awardCount) });
    for (const r of session.requests as Row[]) {
      const view = await platform.market.request(BigInt(r.requestId as string));
      expect(r.status).to.equal(["None", "Active", "Cancelled", "Replaced"][Number(view.status)]);
      expect(r.targetPowerKw).to.equal(Number(view.input.targetPowerKw));
      expect(r.kind).to.equal(["Dso", "Tso"][Number(view.kind)]);
    }
    expect(((session.requests as Row[])[0].pods as Row[]).map((p) => p.code)).to.deep.equal(POD_CODES.slice(0, 2));
    expect((session.requests as Row[])[1].pom).to.deep.equal({ code: POM_CODE });
    for (const o of session.offers as Row[]) {
      const view = await platform.market.offer(BigInt(o.offerId as string));
      expect(o.status).to.equal(["None", "Active", "Cancelled", "Replaced"][Number(view.status)]);
      expect(o.curveHash).to.equal(view.curveHash);
      expect(o.maxQuantityKw).to.equal(Number(view.maxQuantityKw));
      expect(o.minPriceMilliEurPerKw).to.equal(view.minPriceMilliEurPerKw.toString());
    }
    expect((session.offers as Row[])[1].replacedBy).to.deep.equal({ offerId: "3" });
    expect((session.offers as Row[])[0].steps).to.deep.equal([
      { quantityKw: 100, priceMilliEurPerKw: "40000" },
      { quantityKw: 50, priceMilliEurPerKw: "60000" },
    ]);
  });

  it("serves awards, validations and the final outcome as the FlexMarket holds them", async () => {
    const onChain = await platform.market.awardsOf(day.sessionId);
    const d = await q(
      `{ awards(where: { session: "${day.sessionId}" }, orderBy: awardIndex) { awardIndex pod { id } offer { offerId } request { requestId } slotIndex quantityKw priceMilliEurPerKw verdict finalQuantityKw reasonCode validation { verdict } } }`,
    );
    const awards = d.awards as Row[];
    expect(awards.length).to.equal(onChain.length);
    onChain.forEach((a, i) => {
      expect(awards[i]).to.deep.equal({
        awardIndex: Number(a.awardIndex),
        pod: { id: a.podId },
        offer: { offerId: a.offerId.toString() },
        request: { requestId: a.requestId.toString() },
        slotIndex: Number(a.slotIndex),
        quantityKw: Number(a.quantityKw),
        priceMilliEurPerKw: a.priceMilliEurPerKw.toString(),
        verdict: ["Pending", "Ok", "Ko", "Partial"][Number(a.verdict)],
        finalQuantityKw: Number(a.finalQuantityKw),
        reasonCode: Number(a.reasonCode),
        validation: { verdict: ["Pending", "Ok", "Ko", "Partial"][Number(a.verdict)] },
      });
    });
    expect(awards.every((a) => a.slotIndex === SLOT)).to.equal(true);
  });

  it("aggregates the day's KPIs from the events", async () => {
    const d = await q(
      `{ dailyKpi(id: "${day.day}") { requestCount requestedKw offerCount offeredKw awardCount awardedKw validatedOk validatedPartial finalKw liquidity baselineSubmissions } }`,
    );
    const kpi = d.dailyKpi as Row;
    const awards = await platform.market.awardsOf(day.sessionId);
    expect(kpi.awardCount).to.equal(awards.length);
    expect(kpi.awardedKw).to.equal(String(awards.reduce((s, a) => s + Number(a.quantityKw), 0)));
    expect(kpi.finalKw).to.equal(String(awards.reduce((s, a) => s + Number(a.finalQuantityKw), 0)));
    expect(kpi.validatedOk).to.equal(2);
    expect(kpi.validatedPartial).to.equal(1);
    expect(kpi.requestCount).to.equal(3);
    expect(kpi.offerCount).to.equal(5);
    expect(kpi.baselineSubmissions).to.equal(3);
    // DSO: delta 250; TSO: 1000 − (420 + 470 + 520) baselines in the slot → |−410|; cancelled delta 10 still counted.
    expect(kpi.requestedKw).to.equal(String(250 + 410 + 10));
    expect(kpi.offeredKw).to.equal(String(150 + 200 + 150 + 100 + 50));
    expect(Number(kpi.liquidity)).to.be.closeTo(650 / 670, 1e-15);
    expect((kpi.liquidity as string).replace(/^0\./, "").length).to.be.within(30, 34); // graph-node's 34 significant digits
  });

  it("records role grants and revocations with their names", async () => {
    const d = await q(
      `{ account(id: "${platform.dso.address.toLowerCase()}") { roles roleChanges { role granted } } }`,
    );
    expect(d.account).to.deep.equal({ roles: ["DSO"], roleChanges: [{ role: "DSO", granted: true }] });
    const agg = await q(
      `{ account(id: "${platform.aggregator2.address.toLowerCase()}") { roles roleChanges(orderBy: blockNumber) { role granted } } }`,
    );
    expect(agg.account).to.deep.equal({
      roles: ["AGGREGATOR"],
      roleChanges: [
        { role: "AGGREGATOR", granted: true },
        { role: "TSO", granted: true },
        { role: "TSO", granted: false },
      ],
    });
  });

  it("keeps a deregistered PoD and an updated PoD's history", async () => {
    const d = await q(
      `{ withdrawn: pods(where: { code: "${WITHDRAWN_POD}" }) { status aggregator { podCount } history(orderBy: blockNumber) { kind } } updated: pods(where: { code: "${POD_CODES[1]}" }) { cosPhiMilli history(orderBy: blockNumber) { kind requalificationNeeded } } platform(id: "flexgrid") { podCount } }`,
    );
    const flex = await platform.registry.flexibilityOf(hre.ethers.encodeBytes32String(WITHDRAWN_POD));
    expect(Number(flex.status)).to.equal(2); // Deregistered on chain
    expect(d.withdrawn).to.deep.equal([
      {
        status: "Deregistered",
        aggregator: { podCount: 1 },
        history: [{ kind: "Registered" }, { kind: "Deregistered" }],
      },
    ]);
    const updated = (d.updated as Row[])[0];
    expect(updated.cosPhiMilli).to.equal(
      Number((await platform.registry.podData(hre.ethers.encodeBytes32String(POD_CODES[1]))).cosPhiMilli),
    );
    expect((updated.history as Row[]).map((h) => h.kind)).to.include("Updated");
    expect(d.platform).to.deep.equal({ podCount: POD_CODES.length });
  });

  it("serves perimeters, traffic lights and notarised datasets", async () => {
    const d = await q(
      `{ perimeters { name version pods { code } trafficLights { colour capabilityDownKw slotIndex } } datasets { kindName uri } }`,
    );
    expect(d.perimeters).to.deep.equal([
      {
        name: "Nanchino",
        version: 1,
        pods: POD_CODES.slice(0, 2).map((code) => ({ code })),
        trafficLights: [{ colour: "Red", capabilityDownKw: 250, slotIndex: SLOT }],
      },
    ]);
    expect(d.datasets).to.deep.equal([{ kindName: "final-outcome", uri: "ipfs://results" }]);
  });

  it("serves settlements, remuneration schemes and token balances as the contracts hold them", async () => {
    const d = await q(
      `{ awardSettlements(orderBy: id) { award { awardIndex } wallet { id balance } deliveredW effectivenessBps rewardMicroEur penaltyMicroEur mintedMicroEur burnedMicroEur } settlementBatches { itemCount session { id } } tokenHolders(where: { balance_gt: "0" }, orderBy: id) { id balance } platform(id: "flexgrid") { tokenSupply } remunerationSchemes(orderBy: createdAt) { id toleranceBps pods { code } } }`,
    );
    const settlements = d.awardSettlements as Row[];
    expect(settlements.length).to.equal(3);
    for (const h of d.tokenHolders as Row[]) {
      expect(h.balance).to.equal((await platform.token.balanceOf(h.id as string)).toString());
    }
    expect((d.tokenHolders as Row[]).length).to.be.greaterThan(0);
    expect((d.platform as Row).tokenSupply).to.equal((await platform.token.totalSupply()).toString());
    expect(d.settlementBatches).to.deep.equal([{ itemCount: 3, session: { id: String(day.sessionId) } }]);
    const minted = settlements.reduce(
      (sum, st) => sum + BigInt(st.mintedMicroEur as string) - BigInt(st.burnedMicroEur as string),
      0n,
    );
    expect(minted).to.equal(await platform.token.totalSupply());
    // The wallet links to its token holder, whose balance is what the settlement minted.
    expect(settlements.map((st) => (st.wallet as Row).id)).to.deep.equal(
      platform.customers.map((c) => c.address.toLowerCase()),
    );
    const schemes = d.remunerationSchemes as Row[];
    expect(schemes.map((x) => x.id)).to.deep.equal(day.schemes.map((a) => a.toLowerCase()));
    expect((schemes[1].pods as Row[]).map((x) => x.code)).to.deep.equal([POD_CODES[2]]);
    for (const id of day.pods) {
      const onChain = await platform.factory.schemeOfPod(id);
      const pod = (await q(`{ pod(id: "${id}") { scheme { id } } }`)).pod as Row;
      expect((pod.scheme as Row).id).to.equal(onChain.toLowerCase());
    }
  });

  it("indexes the scheme clones' own events through the RemunerationScheme template", async () => {
    const d = await q(
      `{ remunerationSchemes(orderBy: createdAt) { id enrolments(orderBy: timestamp) { kind pod { id } wallet { id } } } pods(where: { status: Registered }, orderBy: index) { id wallet { id } } }`,
    );
    const schemes = d.remunerationSchemes as Row[];
    expect(schemes.map((x) => (x.enrolments as Row[]).length)).to.deep.equal([2, 1]);
    expect(runner.subgraph.dynamic.map((ds) => ds.address)).to.deep.equal(day.schemes.map((a) => a.toLowerCase()));
    for (const pod of d.pods as Row[]) {
      const scheme = await platform.factory.schemeOfPod(pod.id as string);
      if (scheme === hre.ethers.ZeroAddress) {
        expect(pod.wallet).to.equal(null);
        continue;
      }
      const wallet = await (await hre.ethers.getContractAt("RemunerationScheme", scheme)).walletOf(pod.id as string);
      expect((pod.wallet as Row).id).to.equal(wallet.toLowerCase());
    }
  });

  it("indexes the day-ahead gate closures the calendar recorded", async () => {
    const d = await q(`{ dayAheadGateClosures { day gateClosureTime } }`);
    const closures = d.dayAheadGateClosures as Row[];
    expect(closures.length).to.be.greaterThan(0);
    for (const c of closures)
      expect(c.gateClosureTime).to.equal((await platform.registry.dayAheadGateClosureOf(c.day as number)).toString());
  });

  it("answers a bad field and a bad filter with graph-node's errors", async () => {
    const bad = await runner.query.execute(`{ pods { id colour } }`);
    expect(bad.errors?.map((e) => e.message)).to.deep.equal(['Cannot query field "colour" on type "Pod".']);
    const badFilter = await runner.query.execute(`{ pods(where: { colour: "red" }) { id } }`);
    expect(badFilter.errors?.map((e) => e.message)).to.deep.equal([
      'Field "colour" is not defined by type "Pod_filter".',
    ]);
  });

  it("rolls back a reorganised chain and indexes the new branch", async () => {
    const snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    const before = Number(await client.getBlockNumber({ cacheTime: 0 }));
    await (await platform.anchor.connect(platform.bal).anchorBatch(hre.ethers.id("orphan"), 1, 2, 3)).wait();
    await runner.sync();
    expect(((await q(`{ measurementBatches { root } }`)).measurementBatches as Row[]).length).to.equal(3);

    await hre.network.provider.send("evm_revert", [snapshot]);
    expect(Number(await client.getBlockNumber({ cacheTime: 0 }))).to.equal(before);
    // The new branch is longer than the orphaned one, with a different batch.
    await hre.network.provider.send("hardhat_mine", ["0x2"]);
    await (await platform.anchor.connect(platform.bal).anchorBatch(hre.ethers.id("canonical"), 4, 5, 6)).wait();
    await runner.sync();
    const roots = ((await q(`{ measurementBatches { root } }`)).measurementBatches as Row[]).map((b) => b.root);
    expect(roots).to.include(hre.ethers.id("canonical"));
    expect(roots).to.not.include(hre.ethers.id("orphan"));
    const meta = await q(`{ _meta { block { number hash } } platform(id: "flexgrid") { batchCount } }`);
    const head = await client.getBlock();
    expect(meta._meta).to.deep.equal({ block: { number: Number(head.number), hash: head.hash } });
    expect(meta.platform).to.deep.equal({ batchCount: 3 });
  });
});
