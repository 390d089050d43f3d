// The production compose file (deploy/production/compose.yaml) and the Besu QBFT genesis it runs on. Docker Compose
// is not installed here, so its structure is checked by this test (and by `docker compose config` where it is).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromRlp, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { parse } from "yaml";
import { z } from "zod";
import { buildQbftGenesis, enodeOf, qbftExtraData } from "./besuQbft";

const root = path.resolve(__dirname, "../..");
const composeFile = path.join(root, "deploy/production/compose.yaml");

const serviceSchema = z
  .object({
    image: z.string(),
    command: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    secrets: z.array(z.string()).optional(),
    depends_on: z
      .record(z.string(), z.object({ condition: z.enum(["service_started", "service_healthy"]) }))
      .optional(),
    volumes: z.array(z.string()).optional(),
    networks: z.array(z.string()).optional(),
    ports: z.array(z.string()).optional(),
  })
  .passthrough();
const composeSchema = z.object({
  name: z.string(),
  services: z.record(z.string(), serviceSchema),
  networks: z.record(z.string(), z.unknown()),
  volumes: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.object({ file: z.string() })),
});

describe("production deployment (deploy/production)", () => {
  const compose = composeSchema.parse(parse(readFileSync(composeFile, "utf8"), { merge: true }));
  const services = Object.entries(compose.services);

  it("runs the seeds' permissioned chain: four Besu validators sharing one genesis", () => {
    const besu = services.filter(([, s]) => s.image.startsWith("hyperledger/besu:"));
    expect(besu.map(([name]) => name)).to.deep.equal(["besu-1", "besu-2", "besu-3", "besu-4"]);
    besu.forEach(([, s], i) => {
      expect(s.command).to.include("--genesis-file=/config/genesis.json");
      expect(s.command).to.include(`--node-private-key-file=/config/node${i + 1}/key`);
    });
  });

  it("has every part the issue lists: graph-node, IPFS, PostgreSQL, Mosquitto, two BALs, oracles, aggregator, TSO, dApp", () => {
    const names = Object.keys(compose.services);
    for (const name of [
      "graph-node",
      "ipfs",
      "postgres",
      "mosquitto",
      "bal-1",
      "bal-2",
      "dso-oracle",
      "market-oracle",
      "aggregator",
      "tso",
      "dapp",
    ])
      expect(names, name).to.include(name);
    expect(compose.services["bal-1"]!.environment!.BAL_SHARE_GROUP).to.equal(
      compose.services["bal-2"]!.environment!.BAL_SHARE_GROUP,
    );
  });

  it("pins every image to a version (never latest, never untagged)", () => {
    for (const [name, s] of services) expect(s.image, name).to.match(/:[v]?\d+\.\d+(\.\d+)?([-.][\w.]+)?$/);
  });

  it("keeps every secret in a file: no key, password or token in an environment value", () => {
    for (const [name, s] of services)
      for (const [variable, value] of Object.entries(s.environment ?? {})) {
        if (/KEY|PASSWORD|TOKEN|SECRET|PASS$/i.test(variable))
          expect(variable, `${name}.${variable}`).to.match(/_FILE$|_FILES$|^BAL_SERVICE_TOKENS_FILE$/);
        expect(String(value), `${name}.${variable}`).not.to.match(/0x[0-9a-fA-F]{64}|:\/\/[^/\s:]+:[^@\s]+@/);
      }
  });

  it("declares every secret, volume, network and dependency a service names", () => {
    for (const [name, s] of services) {
      for (const secret of s.secrets ?? []) expect(compose.secrets, `${name} secret`).to.have.property(secret);
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect(compose.services, `${name} depends_on`).to.have.property(dep);
      for (const network of s.networks ?? []) expect(compose.networks, `${name} network`).to.have.property(network);
      for (const volume of s.volumes ?? []) {
        const source = volume.split(":")[0]!;
        if (!source.startsWith(".")) expect(compose.volumes, `${name} volume`).to.have.property(source);
        else if (!source.includes("generated") && !source.includes("dapp/dist"))
          expect(existsSync(path.resolve(path.dirname(composeFile), source)), `${name}: ${source}`).to.equal(true);
      }
      // a `_FILE` variable must point at a secret the service mounts
      for (const [variable, value] of Object.entries(s.environment ?? {}))
        if (variable.endsWith("_FILE") && String(value).startsWith("/run/secrets/"))
          expect(s.secrets ?? [], `${name}.${variable}`).to.include(String(value).slice("/run/secrets/".length));
    }
  });

  it("publishes only TLS ports: 443 for browsers, 8883 for Light Nodes", () => {
    const published = services.flatMap(([, s]) => s.ports ?? []).map((p) => p.split(":").at(-1));
    expect(published.sort()).to.deep.equal(["443", "8883"]);
    const mosquitto = readFileSync(path.join(root, "deploy/production/config/mosquitto.conf"), "utf8");
    expect(mosquitto).to.match(/^allow_anonymous false$/m);
    expect(mosquitto).to.match(/^listener 8883$/m);
    expect(mosquitto).not.to.match(/^listener 1883/m);
  });

  it("passes `docker compose config` where Docker Compose is installed", function () {
    const probe = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    if (probe.status !== 0) this.skip(); // not here: the structure checks above stand in for it
    const result = spawnSync("docker", ["compose", "-f", composeFile, "config", "--quiet", "--no-interpolate"], {
      encoding: "utf8",
    });
    expect(result.status, result.stderr).to.equal(0);
  });
});

describe("Besu QBFT genesis (scripts/deploy/besuQbft.ts)", () => {
  const validators = [1, 2, 3, 4].map((i) => privateKeyToAccount(`0x${String(i).padStart(64, "0")}`).address);

  it("encodes the validators in extraData as Besu reads it: [vanity, validators, vote, round, seals]", () => {
    const decoded = fromRlp(qbftExtraData(validators), "hex") as [Hex, Hex[], Hex[], Hex, Hex[]];
    expect(decoded[0]).to.equal(`0x${"00".repeat(32)}`);
    expect(decoded[1]).to.deep.equal(validators.map((v) => v.toLowerCase()));
    expect(decoded[2]).to.deep.equal([]);
    expect(decoded[3]).to.equal("0x");
    expect(decoded[4]).to.deep.equal([]);
  });

  it("gives the bytes of a one-validator extraData encoded by hand from the RLP rules", () => {
    // list(58) = a0 + 32 zero bytes, d5 = list(21) holding 94 + the address, then c0 (no vote) 80 (round 0) c0 (no seals)
    const single = qbftExtraData(["0x0000000000000000000000000000000000000001"]);
    expect(single).to.equal(`0xf83aa0${"00".repeat(32)}d5940000000000000000000000000000000000000001c080c0`);
  });

  it("refuses an empty validator set and malformed addresses", () => {
    expect(() => qbftExtraData([])).to.throw(/at least one validator/);
    expect(() => buildQbftGenesis({ chainId: 1337, validators: ["0x1234"] })).to.throw();
  });

  it("enables Cancun at genesis with a zero base fee, as networks.json's evmVersion expects", () => {
    const genesis = buildQbftGenesis({ chainId: 1337, validators });
    const networks = JSON.parse(readFileSync(path.join(root, "scripts/deploy/networks.json"), "utf8"));
    expect(networks["besu-local"].evmVersion).to.equal("cancun");
    expect(genesis.config).to.include({ cancunTime: 0, shanghaiTime: 0, zeroBaseFee: true });
  });

  it("derives the enode id from the node key (uncompressed public key without 04)", () => {
    const key = `0x${"11".repeat(32)}` as Hex;
    expect(enodeOf(key, "besu-1")).to.match(/^enode:\/\/[0-9a-f]{128}@besu-1:30303$/);
  });

  it("writes owner-only validator keys and a genesis from the command line", function () {
    this.timeout(60_000); // a whole process, built on first use
    const out = mkdtempSync(path.join(os.tmpdir(), "flexgrid-qbft-"));
    try {
      const run = spawnSync(
        process.execPath,
        [path.join(root, "bin/run.js"), path.join(__dirname, "besu-qbft-config.ts"), "--out", out],
        {
          encoding: "utf8",
        },
      );
      expect(run.status, run.stderr).to.equal(0);
      const genesis = JSON.parse(readFileSync(path.join(out, "besu/genesis.json"), "utf8"));
      const addresses = JSON.parse(readFileSync(path.join(out, "besu/validators.json"), "utf8"));
      expect((fromRlp(genesis.extraData, "hex") as Hex[][])[1]).to.have.length(4);
      expect(addresses).to.have.length(4);
      for (const i of [1, 2, 3, 4]) expect(statSync(path.join(out, `besu/node${i}/key`)).mode & 0o077).to.equal(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("systemd units (deploy/systemd)", () => {
  const unitsDir = path.join(root, "deploy/systemd");
  const units = readdirSync(unitsDir).filter((f) => f.endsWith(".service"));

  it("has a unit per service, each running `node bin/flexgrid.js <service> run` with secrets as credentials", () => {
    expect(units.sort()).to.deep.equal(
      ["aggregator", "bal", "dso", "market", "tso"].map((s) => `flexgrid-${s}.service`),
    );
    for (const unit of units) {
      const text = readFileSync(path.join(unitsDir, unit), "utf8");
      const service = unit.replace(/^flexgrid-|\.service$/g, "");
      expect(text, unit).to.include(`ExecStart=/usr/bin/node bin/flexgrid.js ${service} run`);
      expect(text, unit).to.match(/^KillSignal=SIGTERM$/m);
      // a key never sits in the unit or its environment: LoadCredential + <NAME>_FILE
      expect(text, unit).not.to.match(/0x[0-9a-fA-F]{64}/);
      for (const [, variable] of text.matchAll(/^Environment=([A-Z_]+)_FILE=%d\//gm))
        expect(text, `${unit}: ${variable}`).to.match(
          new RegExp(`^LoadCredential=${variable!.toLowerCase().replace(/_/g, "-")}:`, "m"),
        );
    }
  });

  it("passes `systemd-analyze verify` without a warning where systemd is installed", function () {
    const probe = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
    if (probe.status !== 0) this.skip();
    for (const unit of units) {
      const result = spawnSync("systemd-analyze", ["verify", path.join(unitsDir, unit)], { encoding: "utf8" });
      // it exits 0 on a line it ignores, so its output is the verdict
      const warnings = `${result.stdout}${result.stderr}`
        .split("\n")
        .filter((line) => line.includes(unit) && !/Command .* is not executable|not found/.test(line));
      expect(warnings, unit).to.deep.equal([]);
    }
  });
});
