// Benchmark: a day-ahead run of the DSO oracle's core on the synthetic Rome-scale network (grid helper's generator)
// with PoDs on every fourth MV/LV substation and 30 feeder heads derated to 95 % of their peak so that the peak hours congest: detection
// (96 power flows), least-cost requests for every congested slot, and validation of a clearing result (the
// requests' plans as DSO awards plus an upward award elsewhere per congested slot). Goal: < 10 s for the three.
// Reference in the same run: one plain batch of the 96 power flows (solveBatch), the floor any detection pays.
// Run: `npm run bench -- dso`.
import { compileNetwork } from "../../grid/compile";
import { forecastLoadsKw } from "../../grid/forecast/profiles";
import { solveBatch } from "../../grid/powerflow";
import { buildRomeNetwork } from "../../grid/synthetic/rome";
import { detectViolations } from "../core/detect";
import { GridStudy } from "../core/gridStudy";
import { sizeRequests } from "../core/requests";
import type { AwardToValidate, DsoPod, ForecastSlot } from "../core/types";
import { validateAwards } from "../core/validation";
import { dynamicTrafficLight, feederPerimeters } from "../core/trafficLights";
import { mapPodsToPoms } from "../../grid/mapping";

const DATE = "2021-06-23";
const DERATED_FEEDERS = 30;

async function main(): Promise<void> {
  const network = buildRomeNetwork();
  network.loads.forEach((load, i) => {
    if (i % 4 === 0) load.pod = `IT-SYN-${load.id.slice(5)}`;
  });
  const loadsKw = forecastLoadsKw(network.loads, DATE);
  const forecast: ForecastSlot[] = loadsKw.map((values, slot) => ({ slot, podsKw: {}, loadsKw: values }));

  // Reference: the 96 power flows alone, and each feeder head's peak current to derate 30 of them.
  const t0 = performance.now();
  const plain = solveBatch(
    compileNetwork(network),
    forecast.map((f) => ({ loadsKw: f.loadsKw })),
    { detail: "full" },
  );
  const referenceMs = performance.now() - t0;
  const heads = network.feeders.map((f) => f.headBranch);
  const peak = new Map<string, number>();
  for (const r of plain)
    for (const b of r.branches)
      if (b.id.endsWith("/head")) peak.set(b.id, Math.max(peak.get(b.id) ?? 0, Math.max(b.iFromA, b.iToA)));
  const derated = heads
    .filter((_, i) => i % Math.floor(heads.length / DERATED_FEEDERS) === 0)
    .slice(0, DERATED_FEEDERS);
  for (const id of derated) network.lines.find((l) => l.id === id)!.ampacityA = 0.95 * peak.get(id)!;

  const located = new Map(mapPodsToPoms(network).map((l) => [l.pod, l]));
  const pods: DsoPod[] = network.loads
    .filter((l) => l.pod)
    .map((l) => ({
      pod: l.pod!,
      feeder: located.get(l.pod!)!.feeder,
      pom: located.get(l.pod!)!.pom,
      prequalified: true,
      maxUpKw: Math.round(0.3 * l.pKw),
      maxDownKw: Math.round(0.5 * l.pKw),
      cosPhi: l.pKw / Math.hypot(l.pKw, l.qKvar),
    }));

  const tCompile = performance.now();
  const study = new GridStudy(network);
  const compileMs = performance.now() - tCompile;

  const t1 = performance.now();
  const detection = detectViolations(study, forecast);
  const detectMs = performance.now() - t1;

  const t2 = performance.now();
  const requests = await sizeRequests(study, forecast, detection.alarms, pods);
  const requestMs = performance.now() - t2;
  const unresolved = requests.reduce((s, r) => s + r.unresolved.length, 0);

  // A clearing result: the plans as DSO awards, and per congested slot an upward award on a PoD of another feeder.
  const awards: AwardToValidate[] = [];
  for (const r of requests) {
    for (const [pod, delta] of Object.entries(r.plan))
      awards.push({
        awardIndex: awards.length,
        pod,
        slot: r.slot,
        direction: delta < 0 ? "down" : "up",
        quantityKw: Math.abs(delta),
      });
    const busy = new Set(Object.keys(r.plan));
    const other = pods.find((p) => !busy.has(p.pod) && !derated.some((h) => h.startsWith(`${p.feeder}/`)));
    if (other)
      awards.push({
        awardIndex: awards.length,
        pod: other.pod,
        slot: r.slot,
        direction: "up",
        quantityKw: other.maxUpKw,
      });
  }
  const t3 = performance.now();
  const validations = await validateAwards(study, forecast, awards);
  const validateMs = performance.now() - t3;

  // Dynamic lights of every feeder perimeter in the busiest slot, with that slot's planned DSO services.
  const busiest = requests.reduce((a, b) =>
    b.requests.length + Object.keys(b.plan).length > a.requests.length + Object.keys(a.plan).length ? b : a,
  );
  const slotForecast = forecast[busiest.slot];
  const perimeters = feederPerimeters(pods);
  const t4 = performance.now();
  const lights = perimeters.map((perimeter) => dynamicTrafficLight(study, slotForecast, perimeter, pods, busiest.plan));
  const lightsMs = performance.now() - t4;
  const colours = (c: string) => lights.filter((l) => l.up.colour === c || l.down.colour === c).length;

  const totalMs = detectMs + requestMs + validateMs;
  console.log(
    `dso: day-ahead on the Rome-scale network (${network.buses.length} buses, ${network.feeders.length} feeders, ` +
      `${pods.length} PoDs, ${derated.length} feeder heads derated to 95 % of their peak)`,
  );
  console.log(`  compile once                ${compileMs.toFixed(0)} ms`);
  console.log(
    `  detection, 96 slots         ${detectMs.toFixed(0)} ms (${detection.alarms.length} alarms in ${detection.congestedSlots.length} slots)`,
  );
  console.log(
    `  requests (LP + verification) ${requestMs.toFixed(0)} ms (${requests.reduce((s, r) => s + r.requests.length, 0)} requests, ` +
      `${unresolved} unresolved alarms)`,
  );
  console.log(
    `  validation                  ${validateMs.toFixed(0)} ms (${awards.length} awards: ` +
      `${validations.filter((v) => v.verdict === "ok").length} ok, ${validations.filter((v) => v.verdict === "partial").length} partial, ` +
      `${validations.filter((v) => v.verdict === "ko").length} ko)`,
  );
  console.log(
    `  dynamic lights, slot ${busiest.slot}: ${lights.length} perimeters in ${lightsMs.toFixed(0)} ms ` +
      `(${(lightsMs / lights.length).toFixed(1)} ms each; ${colours("red")} with a red and ${colours("yellow")} with a yellow direction)`,
  );
  console.log(
    `  total ${totalMs.toFixed(0)} ms, goal < 10000 ms: ${totalMs < 10_000 ? "met" : "NOT met"}; ${study.fullSolves} full power flows and ${study.solves - study.fullSolves} subnetwork re-solves`,
  );
  console.log(
    `  reference: 96 plain power flows (solveBatch, full detail) ${referenceMs.toFixed(0)} ms; ` +
      `the DSO day-ahead costs ${(totalMs / referenceMs).toFixed(1)}x that`,
  );
}

void main();
