// Benchmark of the local subgraph runner: indexing rate of the compiled FlexGrid mappings on a generated load of
// 100,000 events (store in PGlite, or PostgreSQL with DATABASE_URL), against decoding the same logs without WASM;
// then the latency of the dApp's heaviest page query against the raw SQL that fetches the same rows.
// Usage: npm run bench -- subgraph [--events 100000]
import { performance } from "node:perf_hooks";
import { encodeAbiParameters, encodeEventTopics, keccak256, stringToHex, toHex } from "viem";
import type { Abi, AbiEvent, Hex } from "viem";
import { ensureSubgraphBuild } from "../runner/build";
import { openDb } from "../runner/db";
import { QueryService } from "../runner/graphql";
import { decodeLogParams, loadSubgraph, MappingRunner } from "../runner/mapping";
import type { ChainBlock, ChainLog, DataSource } from "../runner/mapping";
import { EntityStore } from "../runner/store";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL_EVENTS = arg("events", 100_000);
const EVENTS_PER_BLOCK = 100;
const FLUSH_EVERY_BLOCKS = 20;
const PODS = 200;

interface GeneratedLog {
  ds: DataSource;
  event: AbiEvent;
  log: ChainLog;
}

function eventOf(ds: DataSource, name: string): AbiEvent {
  const abi = ds.abis.get(ds.name) as Abi;
  return abi.find((e): e is AbiEvent => e.type === "event" && e.name === name)!;
}

function encode(ds: DataSource, name: string, args: Record<string, unknown>, logIndex: number): GeneratedLog {
  const event = eventOf(ds, name);
  const topics = encodeEventTopics({ abi: [event], eventName: name, args } as Parameters<
    typeof encodeEventTopics
  >[0]) as Hex[];
  const dataInputs = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    dataInputs,
    dataInputs.map((i) => args[i.name!]),
  );
  return {
    ds,
    event,
    log: {
      address: ds.address,
      topics,
      data,
      logIndex,
      transactionIndex: logIndex,
      transactionHash: keccak256(toHex(`tx-${name}-${logIndex}`)),
      transactionLogIndex: 0,
    },
  };
}

/** A market's event mix: PoDs and a session first, then batches, baselines, offers, awards and validations. */
function generate(byName: Map<string, DataSource>, total: number): GeneratedLog[] {
  const registry = byName.get("PodRegistry")!;
  const market = byName.get("FlexMarket")!;
  const anchor = byName.get("MeasurementAnchor")!;
  const pod = (i: number) => stringToHex(`IT002E${String(61_000_000 + (i % PODS)).padStart(8, "0")}`, { size: 32 });
  const aggregator = (i: number) => `0x${(0xa0 + (i % 4)).toString(16).padStart(40, "0")}` as Hex;
  const out: GeneratedLog[] = [];
  const day = 20_600;
  out.push(
    encode(
      market,
      "SessionCreated",
      {
        sessionId: 1n,
        kind: 0,
        day,
        realTimeIndex: 0,
        firstSlot: 0,
        slotCount: 96,
        dayStartTime: 1_780_000_000n,
        openingTime: 1_779_900_000n,
        gateClosureTime: 1_779_960_000n,
      },
      0,
    ),
  );
  for (let i = 0; i < PODS; i++) {
    const data = {
      voltageLevel: 1,
      contractualPowerWithdrawnKw: 1000,
      contractualPowerInjectedKw: 200,
      cosPhiMilli: 900,
      maxUpKw: 300,
      maxDownKw: 500,
      remunerationScheme: "0x0000000000000000000000000000000000000000",
    };
    out.push(encode(registry, "PodRegistered", { podId: pod(i), aggregator: aggregator(i), index: i, data }, 0));
  }
  let offers = 0;
  let awards = 0;
  let batches = 0;
  for (let n = 0; out.length < total; n++) {
    const k = n % 10;
    if (k < 4) {
      batches++;
      out.push(
        encode(
          anchor,
          "BatchAnchored",
          {
            batchId: BigInt(batches),
            root: keccak256(toHex(batches)),
            fromMs: 1_780_000_000_000n + BigInt(n) * 1000n,
            toMs: 1_780_000_000_500n + BigInt(n) * 1000n,
            count: 50,
          },
          0,
        ),
      );
    } else if (k === 4) {
      out.push(
        encode(
          registry,
          "BaselineSubmitted",
          {
            podId: pod(n),
            day,
            aggregator: aggregator(n),
            baselineHash: keccak256(toHex(n)),
            valuesKw: Array.from({ length: 96 }, (_, s) => 300 + s),
          },
          0,
        ),
      );
    } else if (k < 8) {
      offers++;
      out.push(
        encode(
          market,
          "OfferSubmitted",
          {
            offerId: BigInt(offers),
            sessionId: 1n,
            podId: pod(offers),
            kind: 0,
            direction: offers % 2,
            firstSlot: offers % 96,
            lastSlot: offers % 96,
            energyKwh: 0,
            steps: [
              { quantityKw: 50, priceMilliEurPerKw: 40_000 + (offers % 100) },
              { quantityKw: 30, priceMilliEurPerKw: 60_000 },
            ],
          },
          0,
        ),
      );
    } else if (k === 8 && offers > awards) {
      // One award per event, as the worst case of AwardsPosted (a batch of one).
      out.push(
        encode(
          market,
          "AwardsPosted",
          {
            sessionId: 1n,
            firstAwardIndex: awards,
            awards: [
              {
                offerId: BigInt(awards + 1),
                requestId: 1n,
                slotIndex: (awards + 1) % 96,
                quantityKw: 50,
                priceMilliEurPerKw: 50_000 + (awards % 1000),
              },
            ],
          },
          0,
        ),
      );
      awards++;
    } else if (k === 9 && awards > 0) {
      const index = awards - 1;
      out.push(
        encode(
          market,
          "AwardValidated",
          {
            sessionId: 1n,
            podId: pod(index + 1),
            awardIndex: index,
            verdict: index % 5 === 0 ? 3 : 1,
            finalQuantityKw: index % 5 === 0 ? 30 : 50,
            reasonCode: 0,
          },
          0,
        ),
      );
    }
  }
  return out.slice(0, total);
}

function block(number: number): ChainBlock {
  const hash = keccak256(toHex(`block-${number}`));
  return {
    number: BigInt(number),
    hash,
    parentHash: keccak256(toHex(`block-${number - 1}`)),
    timestamp: BigInt(1_780_000_000 + number),
    miner: "0x0000000000000000000000000000000000000001",
    stateRoot: hash,
    transactionsRoot: hash,
    receiptsRoot: hash,
    sha3Uncles: hash,
    gasUsed: 0n,
    gasLimit: 30_000_000n,
    difficulty: 0n,
    totalDifficulty: 0n,
    size: 0n,
    baseFeePerGas: 0n,
  };
}

async function main(): Promise<void> {
  const buildDir = ensureSubgraphBuild();
  const subgraph = loadSubgraph(buildDir);
  const byName = new Map(subgraph.dataSources.map((ds) => [ds.name, ds]));
  subgraph.dataSources.forEach((ds, i) => {
    ds.address = `0x${(i + 1).toString(16).padStart(40, "0")}` as Hex;
  });
  const logs = generate(byName, TOTAL_EVENTS);
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL, pgSchema: "subgraph_bench" });
  await db.exec("DROP TABLE IF EXISTS entity_versions, indexed_blocks, runner_meta");
  const store = new EntityStore(db, subgraph.schema);
  await store.init();
  const mappings = new MappingRunner(subgraph, store, { log: () => undefined });
  const tx = {
    hash: keccak256(toHex("tx")),
    index: 0,
    from: "0x00000000000000000000000000000000000000aa" as Hex,
    to: null,
    value: 0n,
    gas: 0n,
    gasPrice: 0n,
    input: "0x" as Hex,
    nonce: 0,
  };

  // Reference: decoding the same logs (the runner's own ABI decoder, viem underneath), no WASM and no store.
  const decodeStart = performance.now();
  let decoded = 0;
  for (const g of logs) {
    decodeLogParams(g.event, g.log);
    decoded++;
  }
  const decodeSeconds = (performance.now() - decodeStart) / 1000;

  const start = performance.now();
  let flushMs = 0;
  let blockNumber = 0;
  for (let i = 0; i < logs.length; i += EVENTS_PER_BLOCK) {
    blockNumber++;
    const b = block(blockNumber);
    store.beginBlock(blockNumber);
    // One transaction per block, logs numbered within it: event record ids (tx hash + log index) stay unique.
    const transaction = { ...tx, hash: keccak256(toHex(`tx-${blockNumber}`)) };
    logs.slice(i, i + EVENTS_PER_BLOCK).forEach((g, logIndex) => {
      const handler = g.ds.handlers.get(g.log.topics[0])!;
      mappings.run({
        dataSource: g.ds,
        handler,
        block: b,
        transaction,
        log: { ...g.log, logIndex, transactionLogIndex: logIndex },
      });
    });
    store.commitBlock({ number: blockNumber, hash: b.hash, parentHash: b.parentHash, timestamp: Number(b.timestamp) });
    if (blockNumber % FLUSH_EVERY_BLOCKS === 0) {
      const f = performance.now();
      await store.flush();
      flushMs += performance.now() - f;
    }
  }
  const f = performance.now();
  await store.flush();
  flushMs += performance.now() - f;
  const indexSeconds = (performance.now() - start) / 1000;
  const rate = logs.length / indexSeconds;
  const decodeRate = decoded / decodeSeconds;
  console.log(
    `generated ${logs.length} events in ${blockNumber} blocks (${[...mappings.handled].map(([k, v]) => `${k.split(".")[1]}=${v}`).join(", ")})`,
  );
  console.log(`store: ${db.kind}; entities: ${JSON.stringify(store.counts())}`);
  console.log(
    `indexing rate: ${rate.toFixed(0)} events/s (${indexSeconds.toFixed(1)} s, of which ${(flushMs / 1000).toFixed(1)} s writing to the store)`,
  );
  console.log(`reference, decoding the same logs without WASM or store: ${decodeRate.toFixed(0)} events/s`);
  console.log(
    `ratio indexing / decoding: ${(rate / decodeRate).toFixed(4)} (the runner costs ${(decodeRate / rate).toFixed(0)}x a bare decode)`,
  );

  // The dApp's heaviest page: a session's awards with PoD, offer (and its curve), request and validation.
  const query = new QueryService(subgraph.schema, {
    db,
    deployment: "bench",
    latest: async () => store.latestBlock(),
    hasIndexingErrors: async () => false,
  });
  const page = `{ session(id: "1") { day status awards(first: 100, orderBy: priceMilliEurPerKw, orderDirection: desc, where: { verdict_in: [Ok, Partial] }) { awardIndex quantityKw finalQuantityKw priceMilliEurPerKw verdict pod { code qualification aggregator { id podCount } } offer { offerId curveHash steps { quantityKw priceMilliEurPerKw } } validation { verdict reasonCode } } } }`;
  const time = async (fn: () => Promise<unknown>, runs: number) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
  };
  const check = await query.execute(page);
  if (check.errors) throw new Error(check.errors.map((e) => e.message).join("; "));
  const rows = (check.data as { session: { awards: unknown[] } }).session.awards.length;
  const pageMs = await time(() => query.execute(page), 15);
  // Reference: the 100 award rows in one SQL statement, without GraphQL nor the nested lookups.
  const sqlMs = await time(
    () =>
      db.query(
        `SELECT data FROM entity_versions WHERE entity = 'Award' AND block_end IS NULL AND data->>'session' = '1' AND data->>'verdict' IN ('Ok','Partial') ORDER BY (data->>'priceMilliEurPerKw')::numeric DESC LIMIT 100`,
      ),
    15,
  );
  console.log(
    `heaviest page query (session awards with PoD, offer curve, validation; ${rows} awards): median ${pageMs.toFixed(1)} ms`,
  );
  console.log(
    `reference, the award rows alone in one SQL query: median ${sqlMs.toFixed(1)} ms; ratio ${(pageMs / sqlMs).toFixed(1)}`,
  );
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
