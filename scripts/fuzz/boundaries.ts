// The boundaries the fuzz suite feeds, each through the code that really receives that input: the BAL's packet
// verifier (what a Light Node publishes over MQTT), the topic parser (broker and BAL), the setpoint and ack schemas
// with the DSO's signature (what a Light Node receives), the grid importers (the CLI's and the DSO's case files) and
// the configuration (environment and secret files).
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { privateKeyToAccount } from "viem/accounts";
import {
  ackMessageSchema,
  generateLightNodeKey,
  loadConfig,
  parseTopic,
  parseWith,
  recoverSetpointSigner,
  setpointMessageSchema,
  signPacket,
  signSetpoint,
  topics,
  type Measurement,
  type SetpointMessage,
  type SignedPacket,
} from "../../protocol";
import { verifyRaw } from "../../oracles/bal/ingest/verifyWorkerMain";
import { parseCase } from "../../oracles/grid/importers/load";
import { parseScadaCsv } from "../../oracles/grid/calibration";
import { parseDayProfile } from "../../cli/commands/gridDayProfile";
import { mutatedJson, mutatedText, type Boundary } from "./harness";

const root = path.resolve(__dirname, "../..");

// ---- what a Light Node publishes: signed packets, checked by the BAL before anything is stored ----

const nodeKey = generateLightNodeKey();
const measurement: Measurement = {
  pod: "IT002E61899978",
  timestampMs: Date.UTC(2021, 5, 23, 10, 30),
  sequence: 42,
  activePowerW: 2_278_545,
  reactivePowerVar: -1_103_000,
  importedEnergyWh: 987_654_321,
  exportedEnergyWh: 12_345,
  meterStatus: 0,
};
const signed: SignedPacket = signPacket("measurement", measurement, nodeKey.privateKey);
const signedText = JSON.stringify(signed);

/** The fields a forger would change; an accepted packet must carry the signer's exact ones. */
function sameAsSigned(packet: SignedPacket): boolean {
  return (
    packet.kind === signed.kind &&
    packet.pod === signed.pod &&
    packet.hash === signed.hash &&
    packet.signature === signed.signature &&
    packet.publicKey === signed.publicKey &&
    JSON.stringify(packet.data) === JSON.stringify(signed.data)
  );
}

export const balPacketBoundary: Boundary<string> = {
  name: "MQTT payload → BAL verifier",
  inputs: fc.oneof(
    { weight: 1, arbitrary: fc.constant(signedText) },
    { weight: 4, arbitrary: mutatedText(signedText) },
    {
      weight: 4,
      arbitrary: mutatedJson(signed as unknown as Record<string, unknown>).map((v) => JSON.stringify(v) ?? ""),
    },
    {
      weight: 4,
      arbitrary: mutatedJson(measurement as unknown as Record<string, unknown>).map((data) =>
        JSON.stringify({ ...signed, data }),
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 2_000 }) },
  ),
  probe(payload) {
    const outcome = verifyRaw(payload);
    return outcome.ok
      ? { outcome: "accepted" }
      : { outcome: "refused", reason: `${outcome.reason}: ${outcome.detail}` };
  },
  checkAccepted(payload) {
    const outcome = verifyRaw(payload);
    return outcome.ok && !sameAsSigned(outcome.packet)
      ? "a packet whose content differs from what the key signed"
      : undefined;
  },
};

// ---- MQTT topics, parsed by the broker's authoriser and the BAL ----

export const topicBoundary: Boundary<string> = {
  name: "MQTT topic → topic parser",
  inputs: fc.oneof(
    fc.constantFrom(
      ...Object.values(topics).map((t) =>
        typeof t === "function" ? (t as (pod: string) => string)("IT002E61899978") : String(t),
      ),
    ),
    mutatedText(topics.measurements("IT002E61899978")),
    fc.string({ maxLength: 300 }),
    fc
      .array(fc.constantFrom("flexgrid", "+", "#", "..", "", "IT002E61899978", "acks", "$share", "measurements"), {
        maxLength: 6,
      })
      .map((p) => p.join("/")),
  ),
  probe(topic) {
    parseTopic(topic); // throws a TopicError (a FlexGridError) naming the problem
    return { outcome: "accepted" };
  },
  checkAccepted(topic) {
    const { pod, channel } = parseTopic(topic);
    return `flexgrid/${pod}/${channel}` === topic ? undefined : "a topic that does not round-trip";
  },
};

// ---- what a Light Node receives: DSO setpoints (signed by the DSO oracle's wallet) and the BAL's acks ----

const dsoKey = `0x${"5a".repeat(32)}` as const;
const dsoAddress = privateKeyToAccount(dsoKey).address;
let setpoint: SetpointMessage | undefined;
async function validSetpoint(): Promise<SetpointMessage> {
  setpoint ??= await signSetpoint(
    {
      setpointId: `0x${"ab".repeat(32)}`,
      pod: "IT002E61899978",
      windowStartMs: Date.UTC(2021, 5, 23, 10, 15),
      slots: Array.from({ length: 16 }, (_, i) => ({ pW: -250_000 + i, qVar: 0 })),
      dsoSentMs: Date.UTC(2021, 5, 23, 10, 14),
    },
    dsoKey,
  );
  return setpoint;
}

/** A setpoint boundary over inputs made from the signed sample (built once, before the run). */
export async function setpointBoundary(): Promise<Boundary<string>> {
  const valid = await validSetpoint();
  const text = JSON.stringify(valid);
  return {
    name: "MQTT setpoint → Light Node (schema + DSO signature)",
    inputs: fc.oneof(
      fc.constant(text),
      mutatedText(text),
      mutatedJson(valid as unknown as Record<string, unknown>).map((v) => JSON.stringify(v) ?? ""),
    ),
    async probe(payload) {
      let raw: unknown;
      try {
        raw = JSON.parse(payload);
      } catch {
        return { outcome: "refused", reason: "not JSON" };
      }
      const message = parseWith(setpointMessageSchema, raw, "setpoint");
      let signer: string;
      try {
        signer = await recoverSetpointSigner(message);
      } catch (error) {
        return { outcome: "refused", reason: `signature: ${(error as Error).message.split("\n")[0]}` };
      }
      return signer === dsoAddress
        ? { outcome: "accepted" }
        : { outcome: "refused", reason: "not signed by the DSO oracle" };
    },
    checkAccepted(payload) {
      // every field but the signature's encoding is what the DSO signed: any other accepted change is a forgery
      const { signature: _ignored, ...fields } = JSON.parse(payload) as SetpointMessage;
      const { signature: _signed, ...signedFields } = valid;
      return JSON.stringify(fields) === JSON.stringify(signedFields) ? undefined : "a setpoint the DSO did not sign";
    },
  };
}

const ack = { pod: "IT002E61899978", sentMs: 1_700_000_000_000, acks: [{ hash: signed.hash, status: "stored" }] };
export const ackBoundary: Boundary<string> = {
  name: "MQTT ack → Light Node (schema)",
  inputs: fc.oneof(
    fc.constant(JSON.stringify(ack)),
    mutatedText(JSON.stringify(ack)),
    mutatedJson(ack).map((v) => JSON.stringify(v) ?? ""),
  ),
  probe(payload) {
    let raw: unknown;
    try {
      raw = JSON.parse(payload);
    } catch {
      return { outcome: "refused", reason: "not JSON" };
    }
    const parsed = ackMessageSchema.safeParse(raw);
    return parsed.success ? { outcome: "accepted" } : { outcome: "refused", reason: parsed.error.issues[0]!.message };
  },
};

// ---- case files: `flexgrid grid …` and the DSO oracle's network model ----

function caseBoundary(name: string, file: string, maxLength = Infinity): Boundary<string> {
  const text = readFileSync(path.join(root, file), "utf8").slice(0, maxLength);
  return {
    name,
    inputs: fc.oneof({ weight: 1, arbitrary: fc.constant(text) }, { weight: 9, arbitrary: mutatedText(text) }),
    probe(input) {
      parseCase(input, path.basename(file)); // a GridImportError (FlexGridError) names the line or field
      return { outcome: "accepted" };
    },
  };
}

export const matpowerCaseBoundary = caseBoundary(
  "case file (MATPOWER .m) → grid importer",
  "oracles/grid/cases/case33bw.m",
);
export const pandapowerCaseBoundary = caseBoundary(
  "case file (pandapower JSON) → grid importer",
  "oracles/grid/cases/pandapower/mv_oberrhein.json",
);
export const flexgridCaseBoundary = caseBoundary(
  "case file (FlexGrid JSON) → grid importer",
  "oracles/grid/cases/tor-di-valle.json",
);

// ---- CSV files an operator hands the CLI: SCADA values for calibration, a day's load profile ----

function textBoundary(name: string, valid: string, parse: (text: string) => unknown): Boundary<string> {
  return {
    name,
    inputs: fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 9, arbitrary: mutatedText(valid) }),
    probe(input) {
      parse(input); // a FlexGridError names the line and column
      return { outcome: "accepted" };
    },
  };
}

export const scadaCsvBoundary = textBoundary(
  "SCADA CSV → calibration",
  "kind,element,value,sigma\ncurrent,F1/head,259.54,2.5\ncurrent,F2/head,120.1,2.5\nvoltage,HV,1.02,0.005\n",
  parseScadaCsv,
);
export const profileCsvBoundary = textBoundary(
  "day profile CSV → grid day",
  [
    "slot,L1,L2",
    ...Array.from({ length: 96 }, (_, i) => `${i},${(100 + i).toFixed(1)},${(50 - i / 4).toFixed(2)}`),
  ].join("\n"),
  (text) => parseDayProfile(text, "profile.csv"),
);

// ---- the environment every process reads at start-up ----

export const configBoundary: Boundary<Record<string, string>> = {
  name: "environment → configuration",
  inputs: fc.dictionary(
    fc.constantFrom(
      "RPC_URL",
      "MQTT_URL",
      "DATABASE_URL",
      "CHAIN_ID",
      "NETWORK",
      "LOG_LEVEL",
      "BAL_PORT",
      "DEPLOYER_PRIVATE_KEY",
      "FLEXGRID_DATA_DIR",
    ),
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        "http://127.0.0.1:8545",
        "mqtt://x",
        "postgres://h/db",
        "0x" + "1".repeat(64),
        "70000",
        "-1",
        "info",
      ),
    ),
    { maxKeys: 4 },
  ),
  probe(env) {
    loadConfig(env); // a ConfigError names the variable
    return { outcome: "accepted" };
  },
};
