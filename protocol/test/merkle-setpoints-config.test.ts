import { expect } from "chai";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import {
  buildBatchTree,
  loadBatchTree,
  verifyBatchProof,
  packetHash,
  signSetpoint,
  recoverSetpointSigner,
  setpointMessageSchema,
  loadConfig,
  ConfigError,
  parseWith,
  ValidationError,
} from "..";
import { sampleMeasurement } from "./fixtures";

const hashes = Array.from({ length: 37 }, (_, i) => packetHash("measurement", { ...sampleMeasurement, sequence: i }));

describe("Merkle batches", () => {
  it("proves every packet hash in a batch, and survives dump/load", () => {
    const tree = buildBatchTree(hashes);
    const reloaded = loadBatchTree(JSON.parse(JSON.stringify(tree.dump())));
    expect(reloaded.root).to.equal(tree.root);
    for (const hash of hashes) expect(verifyBatchProof(tree.root, hash, reloaded.proofOf(hash))).to.equal(true);
  });

  it("refuses a hash outside the batch and a proof against another root", () => {
    const tree = buildBatchTree(hashes.slice(0, 10));
    const outsider = hashes[20]!;
    expect(() => tree.proofOf(outsider)).to.throw(/not in this batch/);
    const other = buildBatchTree(hashes.slice(10));
    expect(verifyBatchProof(other.root, hashes[0]!, tree.proofOf(hashes[0]!))).to.equal(false);
  });

  it("refuses to build an empty batch", () => {
    expect(() => buildBatchTree([])).to.throw(/at least one/);
  });
});

describe("setpoint messages", () => {
  const dsoKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
  const unsigned = {
    setpointId: `0x${"01".repeat(32)}` as const,
    pod: "IT002E61899978",
    windowStartMs: Date.UTC(2021, 5, 23, 10, 30),
    slots: Array.from({ length: 16 }, (_, i) => ({ pW: 1_278_545 + i, qVar: 0 })),
    dsoSentMs: Date.UTC(2021, 5, 23, 10, 15),
  };

  it("recovers the DSO oracle's address from a signed setpoint", async () => {
    const signed = await signSetpoint(unsigned, dsoKey);
    expect(await recoverSetpointSigner(parseWith(setpointMessageSchema, signed, "setpoint"))).to.equal(
      privateKeyToAccount(dsoKey).address,
    );
  });

  it("recovers another address when a slot was changed in transit", async () => {
    const signed = await signSetpoint(unsigned, dsoKey);
    const tampered = { ...signed, slots: signed.slots.map((s, i) => (i === 3 ? { ...s, pW: 0 } : s)) };
    expect(await recoverSetpointSigner(tampered)).to.not.equal(privateKeyToAccount(dsoKey).address);
  });

  it("rejects a setpoint with the wrong number of slots or an unaligned window", () => {
    expect(() =>
      parseWith(setpointMessageSchema, { ...unsigned, signature: "0x00", slots: unsigned.slots.slice(1) }, "setpoint"),
    ).to.throw(ValidationError, /slots/);
    expect(() =>
      parseWith(
        setpointMessageSchema,
        { ...unsigned, signature: "0x00", windowStartMs: unsigned.windowStartMs + 1 },
        "setpoint",
      ),
    ).to.throw(ValidationError, /windowStartMs/);
  });
});

describe("loadConfig", () => {
  it("gives embedded defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.rpcUrl).to.equal(undefined);
    expect(config.chainId).to.equal(31337);
    expect(config.ports.rpc).to.equal(8545);
  });

  it("reads real-service URLs", () => {
    const config = loadConfig({
      RPC_URL: "http://127.0.0.1:8545",
      MQTT_URL: "mqtt://127.0.0.1:1883",
      DATABASE_URL: "postgres://localhost/test",
    });
    expect(config.mqttUrl).to.equal("mqtt://127.0.0.1:1883");
  });

  for (const [variable, value] of [
    ["RPC_URL", "not a url"],
    ["MQTT_URL", "http://127.0.0.1:1883"],
    ["DATABASE_URL", "mysql://localhost/x"],
    ["BAL_PORT", "70000"],
    ["DEPLOYER_PRIVATE_KEY", "0x1234"],
    ["LOG_LEVEL", "loud"],
  ] as const) {
    it(`fails naming ${variable} when it is ${JSON.stringify(value)}`, () => {
      expect(() => loadConfig({ [variable]: value })).to.throw(ConfigError, variable);
    });
  }

  describe("secrets from files (<NAME>_FILE)", () => {
    const key = "0x" + "ab".repeat(32);
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), "flexgrid-secret-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const secretFile = (mode: number, content = `${key}\n`) => {
      const file = path.join(dir, "key");
      writeFileSync(file, content, { mode });
      chmodSync(file, mode);
      return file;
    };

    it("reads a key from an owner-only file, trimming the newline", () => {
      const config = loadConfig({ BAL_ANCHOR_PRIVATE_KEY_FILE: secretFile(0o600) });
      expect(config.keys.balAnchor).to.equal(key);
    });

    it("refuses a key file that group or others can read, saying how to fix it", () => {
      expect(() => loadConfig({ BAL_ANCHOR_PRIVATE_KEY_FILE: secretFile(0o644) })).to.throw(
        ConfigError,
        /BAL_ANCHOR_PRIVATE_KEY_FILE.*mode 644.*chmod 600/,
      );
    });

    it("refuses a missing file by the variable's name", () => {
      expect(() => loadConfig({ DEPLOYER_PRIVATE_KEY_FILE: path.join(dir, "absent") })).to.throw(
        ConfigError,
        /DEPLOYER_PRIVATE_KEY_FILE/,
      );
    });

    it("refuses both the variable and its file, as neither would be sure to win", () => {
      expect(() =>
        loadConfig({ BAL_ANCHOR_PRIVATE_KEY: key, BAL_ANCHOR_PRIVATE_KEY_FILE: secretFile(0o600) }),
      ).to.throw(ConfigError, /either/);
    });

    it("validates what the file holds like the variable itself", () => {
      expect(() => loadConfig({ BAL_ANCHOR_PRIVATE_KEY_FILE: secretFile(0o600, "0x1234") })).to.throw(
        ConfigError,
        /BAL_ANCHOR_PRIVATE_KEY/,
      );
    });
  });
});
