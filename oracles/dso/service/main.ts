// Composition root of the DSO oracle service: configuration → chain wallet and contracts (address book), network
// model, MQTT dispatcher; then a loop that ticks the oracle (idempotent), dispatches due setpoints and checks acks.
import { JsonRpcProvider, Wallet } from "ethers";
import mqtt, { type MqttClient } from "mqtt";
import {
  AlarmBook,
  contractAddress,
  FlexGridError,
  startSerialLoop,
  type Deployment,
  type FlexGridConfig,
  type Logger,
  type OracleAlarm,
} from "../../../protocol";
import type { Network } from "../../grid/model";
import { ScdStore } from "../../bal/scd/scdStore";
import { openSqlClient } from "../../bal/scd/sqlClient";
import { buildTorDiValleNetwork, loadCaseFile } from "../../grid";
import { DayForecaster, type ForecasterOptions } from "./forecast";
import { connectDsoContracts, type DsoContracts } from "./chain";
import { SetpointDispatcher } from "./dispatch";
import { DsoOracle } from "./oracle";

export interface DsoServiceOptions {
  config: FlexGridConfig;
  deployment: Deployment;
  rpcUrl: string;
  mqttUrl?: string;
  /** The DSO's broker account (the BAL's ACL lets only the `dso` principal publish setpoints). */
  mqttCredentials?: { username: string; password: string };
  /**
   * The SCD on PostgreSQL (DATABASE_URL): acks the BAL stored while this service was down are read from it. The
   * embedded PGlite store belongs to the BAL's process, so without a URL acks come from MQTT only.
   */
  databaseUrl?: string;
  /** The DSO's network model; default: `networkFile`, else the Tor di Valle demo model. */
  network?: Network;
  /** A network file: MATPOWER (.m), pandapower or FlexGrid JSON (.json); e.g. DSO_NETWORK_FILE in the stack. */
  networkFile?: string;
  /**
   * How the oracle forecasts what is not a baseline: typical profiles and PV by default (for the demo model, scaled
   * so that the field test's slot gives the model's values), with certified history per PoD when given; `false`
   * keeps the model's static values.
   */
  forecast?: false | ForecasterOptions;
  intervalMs?: number;
  ackTimeoutMs?: number;
  /** Where the alarm list goes after each change (e.g. a JSON file the dApp serves); always logged. */
  alarmSink?: (alarms: OracleAlarm[]) => void;
  log: Logger;
}

export interface DsoConnection {
  oracle: DsoOracle;
  contracts: DsoContracts;
  oracleKey: `0x${string}`;
  provider: JsonRpcProvider;
}

/** The oracle wired to the chain of the configuration (no loop): what the CLI uses for one step by hand. */
export function connectDsoOracle(
  options: Pick<
    DsoServiceOptions,
    "config" | "deployment" | "rpcUrl" | "network" | "networkFile" | "forecast" | "log" | "alarmSink"
  >,
): DsoConnection {
  const oracleKey = options.config.keys.dsoOracle;
  if (!oracleKey)
    throw new FlexGridError("DSO_ORACLE_PRIVATE_KEY is not set: the DSO oracle cannot sign", "DSO_NO_KEY");
  const provider = new JsonRpcProvider(options.rpcUrl);
  // Nonces are pinned by the oracle itself (see DsoOracle), so the wallet is used as is, not through a NonceManager.
  const wallet = new Wallet(oracleKey, provider);
  const d = options.deployment;
  const contracts = connectDsoContracts(
    {
      market: contractAddress(d, "FlexMarket"),
      registry: contractAddress(d, "PodRegistry"),
      trafficLight: contractAddress(d, "DynamicTrafficLight"),
    },
    wallet,
  );
  const demo = !options.network && !options.networkFile;
  const network =
    options.network ?? (options.networkFile ? loadCaseFile(options.networkFile) : buildTorDiValleNetwork());
  // The demo model's loads are the field test's measurement (23 June 2021, slot 50), not peaks.
  const forecastOptions: ForecasterOptions | undefined =
    options.forecast === false
      ? undefined
      : { ...(demo ? { snapshot: { date: "2021-06-23", slot: 50 } } : {}), ...(options.forecast ?? {}) };
  const forecaster = forecastOptions ? new DayForecaster(network, forecastOptions) : undefined;
  const oracle = new DsoOracle({
    contracts,
    oracleSigner: wallet,
    network,
    ...(forecaster ? { forecastDay: (date: string) => forecaster.forecastDay(date) } : {}),
    log: options.log,
    alarms: new AlarmBook({ source: "dso-oracle", log: options.log, sink: options.alarmSink }),
  });
  return { oracle, contracts, oracleKey, provider };
}

export interface RunningDsoService {
  oracle: DsoOracle;
  dispatcher?: SetpointDispatcher;
  stop(): Promise<void>;
}

/** Starts the loop: one pass at a time, the next `intervalMs` after the previous one ended (no pile-up). */
export async function startDsoService(options: DsoServiceOptions): Promise<RunningDsoService> {
  const { oracle, oracleKey, provider } = connectDsoOracle(options);
  const log = options.log;
  let client: MqttClient | undefined;
  let dispatcher: SetpointDispatcher | undefined;
  if (options.mqttUrl) {
    client = await mqtt.connectAsync(options.mqttUrl, {
      clientId: `dso-oracle-${process.pid}`,
      ...options.mqttCredentials,
    });
    dispatcher = new SetpointDispatcher(client, { log, ackTimeoutMs: options.ackTimeoutMs });
    await dispatcher.start();
  } else log.warn("no MQTT broker: setpoints are not dispatched");
  const scd = options.databaseUrl
    ? await ScdStore.open(await openSqlClient({ databaseUrl: options.databaseUrl }))
    : undefined;
  const alarms = oracle.alarms;
  if (dispatcher) {
    dispatcher.onAlarm = (a) =>
      alarms.raise(`setpoint:${a.setpointId}`, {
        severity: "warning",
        message: `Light Node of ${a.pod} did not ack setpoint ${a.setpointId} in time`,
        pod: a.pod,
      });
    dispatcher.onMalformedActivation = (error, pod, packetId) =>
      alarms.raise(`scd-packet:${packetId}`, { severity: "warning", message: error.message, pod });
  }
  // Every step inside is isolated (an alarm, then the next item); one pass at a time, never queued behind another.
  const pass = async () => {
    for (const step of await oracle.tick())
      if (step.report.posted > 0)
        log.info({ sessionId: String(step.sessionId), step: step.step, ...step.report }, "posted");
    if (dispatcher) {
      const block = await provider.getBlock("latest");
      await oracle.dispatchAllDue(dispatcher, oracleKey, Number(block!.timestamp) * 1000);
      if (scd)
        await dispatcher
          .recoverAcksFromScd(scd)
          .catch((error) =>
            alarms.raise("scd", { message: `acks could not be read from the SCD: ${(error as Error).message}` }),
          );
      dispatcher.checkAcks(Date.now());
    }
  };
  const loop = startSerialLoop(pass, options.intervalMs ?? 5000, log);
  return {
    oracle,
    dispatcher,
    async stop() {
      await loop.stop();
      await dispatcher?.stop();
      await client?.endAsync();
      await scd?.close();
      provider.destroy();
    },
  };
}
