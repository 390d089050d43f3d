// `flexgrid dso …`: each step of the DSO oracle by hand. Without --session the step runs on the Tor di Valle demo
// (field test of 23 June 2021, slot 50, on the two-feeder demo model); with --session it runs against the chain of
// the configuration (RPC_URL, NETWORK's address book, DSO_ORACLE_PRIVATE_KEY) and --post writes the result.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { describeCommand } from "./index";
import mqtt from "mqtt";
import { z } from "zod";
import { createLogger, loadConfig, loadDeployment, parseWith } from "../../protocol";
import { detectViolations, formatAlarm } from "../../oracles/dso/core/detect";
import { GridStudy } from "../../oracles/dso/core/gridStudy";
import { sizeRequests } from "../../oracles/dso/core/requests";
import { buildSetpoints, signSetpoints } from "../../oracles/dso/core/setpoints";
import { dynamicTrafficLight, feederPerimeters, proposeRedraw } from "../../oracles/dso/core/trafficLights";
import { validateAwards } from "../../oracles/dso/core/validation";
import { torDiValleInputs } from "../../oracles/dso/demo/torDiValle";
import { clearedScenarioAwards } from "../../scripts/demo/cleared-awards";
import { readSession } from "../../oracles/dso/service/chain";
import { SetpointDispatcher } from "../../oracles/dso/service/dispatch";
import { connectDsoOracle } from "../../oracles/dso/service/main";

interface ChainOptions {
  session?: string;
  post?: boolean;
  json?: boolean;
}

const log = createLogger("flexgrid-dso", process.env.LOG_LEVEL ?? "warn");

function connect() {
  const config = loadConfig();
  const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.ports.rpc}`;
  return connectDsoOracle({ config, deployment: loadDeployment(config.network), rpcUrl, log });
}

function print(json: boolean | undefined, value: unknown, lines: () => string[]): void {
  if (json) console.log(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v), 2));
  else console.log(lines().join("\n"));
}

const awardsFileSchema = z.array(
  z.object({
    awardIndex: z.number().int().min(0),
    pod: z.string(),
    slot: z.number().int().min(0).max(95),
    direction: z.enum(["up", "down"]),
    quantityKw: z.number().positive(),
    by: z.enum(["DSO", "TSO"]).optional(),
  }),
);

export function registerDsoCommands(program: Command): void {
  const dso = program.command("dso").description(describeCommand("dso"));

  const withChain = (c: Command) =>
    c
      .option("--session <id>", "run against this market session on the configured chain instead of the demo")
      .option("--json", "print JSON");

  withChain(dso.command("forecast"))
    .description("the per-slot forecast: PoD baselines (chain or demo) and the model's other loads")
    .action(async (o: ChainOptions) => {
      if (o.session) {
        const { oracle, contracts } = connect();
        const { forecast } = await oracle.forecastOf(await readSession(contracts.market, BigInt(o.session)));
        return print(o.json, forecast, () => forecast.map((f) => `slot ${f.slot}: ${JSON.stringify(f.podsKw)}`));
      }
      const { forecast } = torDiValleInputs();
      print(o.json, [forecast], () => [
        `slot ${forecast.slot} (12:30-12:45 CEST), Tor di Valle demo`,
        ...Object.entries(forecast.podsKw).map(([pod, kw]) => `  ${pod}  ${kw.toFixed(3)} kW`),
      ]);
    });

  withChain(dso.command("detect"))
    .description("power flow per slot and the alarm list (element, value, limit, slot)")
    .action(async (o: ChainOptions) => {
      if (o.session) {
        const plan = await connect().oracle.planSession(BigInt(o.session));
        return print(o.json, plan.detection, () => plan.detection.alarms.map(formatAlarm));
      }
      const { network, forecast } = torDiValleInputs();
      const detection = detectViolations(new GridStudy(network), [forecast]);
      print(o.json, detection, () => (detection.alarms.length ? detection.alarms.map(formatAlarm) : ["no violations"]));
    });

  withChain(dso.command("request"))
    .description("least-cost flexibility requests that remove the alarms (LP on sensitivities, verified by power flow)")
    .option("--post", "post the missing requests on chain (with --session, before gate closure)")
    .action(async (o: ChainOptions) => {
      let results;
      if (o.session) {
        const { oracle } = connect();
        if (o.post) {
          const report = await oracle.postRequests(BigInt(o.session));
          console.log(
            `posted ${report.posted}, already on chain ${report.skipped}${report.yielded ? " (yielded)" : ""}`,
          );
          results = report.plan.requests;
        } else results = (await oracle.planSession(BigInt(o.session))).requests;
      } else {
        const { network, forecast, pods } = torDiValleInputs();
        const study = new GridStudy(network);
        results = await sizeRequests(study, [forecast], detectViolations(study, [forecast]).alarms, pods);
      }
      print(o.json, results, () =>
        results.flatMap((r) => [
          ...r.requests.map(
            (q) =>
              `slot ${q.slot}: ${q.direction} ${Math.abs(q.deltaKw)} kW on ${q.pods.join(", ")} → target ${q.targetKw.toFixed(2)} kW, ` +
              `max ${q.maxPriceEurPerKw} EUR/kW (least-cost plan ${JSON.stringify(q.plan)}; solves ${q.solves.map((a) => a.element).join(", ")})`,
          ),
          ...r.unresolved.map((a) => `UNRESOLVED (not enough flexibility): ${formatAlarm(a)}`),
        ]),
      );
    });

  withChain(dso.command("lights"))
    .description(
      "dynamic traffic lights per perimeter (feeder) and slot, with redraw proposals per secondary substation",
    )
    .option("--post", "publish the missing lights on chain (with --session, before gate closure)")
    .action(async (o: ChainOptions) => {
      if (o.session) {
        const report = await connect().oracle.postTrafficLights(BigInt(o.session));
        return print(o.json, report, () => [
          `published ${report.posted} perimeter batch(es), ${report.skipped} light(s) already there`,
        ]);
      }
      const { network, forecast, pods } = torDiValleInputs();
      const study = new GridStudy(network);
      const { alarms } = detectViolations(study, [forecast]);
      const [requests] = await sizeRequests(study, [forecast], alarms, pods);
      const out = feederPerimeters(pods).map((perimeter) => {
        const light = dynamicTrafficLight(study, forecast, perimeter, pods, requests.plan);
        return { light, redraw: proposeRedraw(study, forecast, perimeter, light, pods, requests.plan) };
      });
      print(o.json, out, () =>
        out.flatMap(({ light, redraw }) => [
          `${light.perimeter} slot ${light.slot}: up ${light.up.colour} ${light.up.capabilityKw}/${light.up.flexibilityKw} kW` +
            `${light.up.reason ? ` (${light.up.reason})` : ""}; down ${light.down.colour} ${light.down.capabilityKw}/${light.down.flexibilityKw} kW` +
            `${light.down.reason ? ` (${light.down.reason})` : ""}`,
          ...(redraw
            ? [
                `  redraw per secondary substation frees ${redraw.gainKw.up} kW up, ${redraw.gainKw.down} kW down: ` +
                  redraw.parts.map((p) => `${p.perimeter.id} up ${p.light.up.capabilityKw} kW`).join(", "),
              ]
            : []),
        ]),
      );
    });

  withChain(dso.command("validate"))
    .description("technical validation of awards: OK / KO / partial with the least reduction and its reason")
    .option(
      "--awards <file>",
      "awards JSON (demo only; default: what the market's clearing awards on the field test's book)",
    )
    .option("--post", "post the validations on chain (with --session, once the clearing is sealed)")
    .action(async (o: ChainOptions & { awards?: string }) => {
      let validations;
      if (o.session) {
        if (!o.post) throw new Error("with --session, validate posts: add --post");
        validations = (await connect().oracle.validateSession(BigInt(o.session))).validations;
      } else {
        const { network, forecast } = torDiValleInputs();
        const awards = o.awards
          ? parseWith(awardsFileSchema, JSON.parse(readFileSync(o.awards, "utf8")), o.awards)
          : clearedScenarioAwards();
        validations = await validateAwards(new GridStudy(network), [forecast], awards);
      }
      print(o.json, validations, () =>
        validations.map(
          (v) =>
            `award ${v.awardIndex} ${v.pod} slot ${v.slot}: ${v.verdict.toUpperCase()} ${v.admittedKw}/${v.awardedKw} kW` +
            (v.reason ? ` — ${formatAlarm(v.reason)}` : ""),
        ),
      );
    });

  withChain(dso.command("dispatch"))
    .description("setpoints (16 quarter-hour P/Q pairs) from the final outcome, signed by the DSO oracle wallet")
    .option("--publish", "publish due setpoints on MQTT (MQTT_URL) and wait for acks (with --session)")
    .option("--wait <seconds>", "how long to wait for acks", "30")
    .action(async (o: ChainOptions & { publish?: boolean; wait: string }) => {
      if (o.session) {
        const { oracle, oracleKey, provider } = connect();
        const config = loadConfig();
        const url = config.mqttUrl ?? `mqtt://127.0.0.1:${config.ports.mqtt}`;
        const client = await mqtt.connectAsync(url);
        const waitMs = Number(o.wait) * 1000;
        const dispatcher = new SetpointDispatcher(client, { log, ackTimeoutMs: waitMs });
        await dispatcher.start();
        const block = await provider.getBlock("latest");
        const sent = await oracle.dispatchDue(
          BigInt(o.session),
          dispatcher,
          oracleKey,
          Number(block!.timestamp) * 1000,
        );
        await new Promise((r) => setTimeout(r, sent > 0 ? waitMs : 0));
        const alarms = dispatcher.checkAcks(Date.now() + waitMs);
        print(o.json, dispatcher.status(), () => [
          `published ${sent} setpoint(s)`,
          ...dispatcher
            .status()
            .map((r) => `${r.pod} ${r.setpointId}: ${r.ack ? `acked (${r.ack.outcome})` : "NO ACK"}`),
          ...(alarms.length ? [`${alarms.length} node(s) did not ack in time`] : []),
        ]);
        await dispatcher.stop();
        await client.endAsync();
        provider.destroy();
        return;
      }
      const { scenario } = torDiValleInputs();
      const dayStartMs = Date.parse(scenario.marketDayStartUtc);
      const baselinesKw = Object.fromEntries(
        scenario.pods.map((p) => [p.pod, Array.from({ length: 96 }, () => p.baseline)]),
      );
      const cosPhi = Object.fromEntries(scenario.pods.map((p) => [p.pod, p.cosPhi]));
      const unsigned = buildSetpoints({
        dayStartMs,
        firstSlot: 48,
        // The cleared DSO awards of the field test's book (the setpoints the DSO itself dispatches).
        outcomes: clearedScenarioAwards()
          .filter((a) => a.by === "DSO")
          .map(({ pod, slot, direction, quantityKw }) => ({ pod, slot, direction, quantityKw })),
        baselinesKw,
        cosPhi,
        sentMs: dayStartMs + 47 * 15 * 60 * 1000,
        session: 1n,
      });
      const key = loadConfig().keys.dsoOracle;
      const messages = key ? await signSetpoints(unsigned, key) : unsigned;
      print(o.json, messages, () => [
        key ? "signed with DSO_ORACLE_PRIVATE_KEY" : "unsigned (set DSO_ORACLE_PRIVATE_KEY to sign)",
        ...messages.map(
          (m) =>
            `${m.pod} from ${new Date(m.windowStartMs).toISOString()}: ` +
            m.slots.map((s) => `${(s.pW / 1000).toFixed(1)}`).join(" ") +
            " kW",
        ),
      ]);
    });
}
