// Clearing benchmark: a large random day-ahead book (10,000 offers × 96 slots × 100 requests) cleared by merit
// order, against the LP of the same solver run (HiGHS) as the reference; then the MILP with 1,000 flexible blocks.
// `npm run bench -- market` (or `-- clearing`). Goals (issue 9): merit order < 1 s, MILP with blocks < 10 s.
import { parseBook, type BookFile } from "../clearing/book";
import { clearMeritOrder } from "../clearing/meritOrder";
import { clearExact, loadHighs } from "../clearing/exact";

const OFFERS = Number(process.env.BENCH_OFFERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 1_000);
const SLOTS = 96;
const PODS = 2_000;
const FEEDERS = 40;

/** mulberry32: a seeded generator, so every run clears the same book. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeBook(blocks: number): BookFile {
  const rnd = random(20210623);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pods = Array.from({ length: PODS }, (_, i) => ({
    pod: `IT${String(i).padStart(12, "0")}`,
    feeder: `F${i % FEEDERS}`,
    maxUp: int(20, 400),
    maxDown: int(20, 400),
    baseline: int(50, 2000),
  }));
  const offers: BookFile["offers"] = [];
  for (let i = 0; i < OFFERS; i++) {
    const down = rnd() < 0.6;
    const steps = Array.from({ length: int(1, 3) }, () => ({ size: int(5, 150), price: int(1, 500) / 1000 }))
      .sort((a, b) => a.price - b.price)
      .map((s) => ({ deltaP: down ? -s.size : s.size, price: s.price }));
    offers.push({ pod: pods[int(0, PODS - 1)].pod, slot: int(0, SLOTS - 1), steps });
  }
  for (let i = 0; i < blocks; i++) {
    const duration = int(2, 8);
    const earliest = int(0, SLOTS - duration);
    const latest = Math.min(SLOTS - 1, earliest + duration - 1 + int(0, 12));
    const size = int(10, 150);
    offers.push({
      type: "block",
      pod: pods[int(0, PODS - 1)].pod,
      deltaP: rnd() < 0.6 ? -size : size,
      durationSlots: duration,
      earliestSlot: earliest,
      latestSlot: latest,
      price: int(1, 500) / 1000,
    });
  }
  const requests: BookFile["requests"] = Array.from({ length: REQUESTS }, (_, i) => {
    const slot = int(0, SLOTS - 1);
    const deltaP = (rnd() < 0.6 ? -1 : 1) * int(100, 3000);
    if (i % 10 < 7) {
      const feeder = int(0, FEEDERS - 1);
      const feederPods = pods.filter((_, k) => k % FEEDERS === feeder).map((p) => p.pod);
      return { by: "DSO" as const, pods: feederPods, slot, deltaP, maxPrice: int(200, 600) / 1000 };
    }
    return { by: "TSO" as const, slot, deltaP: deltaP * 5, maxPrice: null };
  });
  return { pom: "CP-BENCH", slots: SLOTS, pods, offers, requests };
}

function timeIt<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

async function timeItAsync<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await loadHighs();
  const book = parseBook(makeBook(0));
  console.log(`book: ${OFFERS} offers, ${REQUESTS} requests, ${SLOTS} slots, ${PODS} pods`);

  const meritRuns = Array.from({ length: 5 }, () => timeIt(() => clearMeritOrder(book)));
  const merit = meritRuns[0].value;
  const meritMs = median(meritRuns.map((r) => r.ms));
  const lp = await timeItAsync(() => clearExact(book));
  const served = merit.requests.reduce((s, r) => s + r.servedW, 0);
  console.log(
    `merit order: ${meritMs.toFixed(1)} ms (median of 5), ${merit.awards.length} awards, ${(served / 1e3).toFixed(0)} kW served`,
  );
  console.log(`LP (HiGHS, same rule, reference): ${lp.ms.toFixed(1)} ms`);
  console.log(`ratio LP / merit order: ${(lp.ms / meritMs).toFixed(1)}x`);
  console.log(
    `same cost: ${lp.value.totalBidCostMicroEur === merit.totalBidCostMicroEur} ` +
      `(merit ${merit.totalBidCostMicroEur} µEUR, LP ${lp.value.totalBidCostMicroEur} µEUR)`,
  );
  console.log(`goal merit order < 1000 ms: ${meritMs < 1000 ? "met" : "MISSED"}`);

  const withBlocks = parseBook(makeBook(BLOCKS));
  const milp = await timeItAsync(() => clearExact(withBlocks));
  console.log(
    `MILP with ${BLOCKS} blocks: ${milp.ms.toFixed(1)} ms, ${milp.value.blocks.length} blocks accepted, ` +
      `bid cost ${milp.value.totalBidCostMicroEur} µEUR`,
  );
  console.log(`ratio MILP with blocks / LP without: ${(milp.ms / lp.ms).toFixed(1)}x`);
  console.log(`goal MILP < 10000 ms: ${milp.ms < 10_000 ? "met" : "MISSED"}`);
}

void main();
