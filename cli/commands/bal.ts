// `flexgrid verify` (a certified reading, from the chain alone) and `flexgrid bal ...` (BAL operator commands).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { describeCommand } from "./index";
import { JsonRpcProvider } from "ethers";
import { contractAddress, FlexGridError, loadConfig, loadDeployment, parseWith } from "../../protocol";
import { certificateSchema, type Certificate } from "../../oracles/bal/certificate";
import { verifyCertificate } from "../../oracles/bal/verifyReading";
import { CredentialStore, mosquittoAcl } from "../../oracles/bal/broker/credentials";

interface VerifyOptions {
  balUrl?: string;
  rpcUrl?: string;
  network?: string;
  anchor?: string;
  json?: boolean;
}

async function loadCertificate(target: string, balUrl: string): Promise<Certificate> {
  if (existsSync(target)) return parseWith(certificateSchema, JSON.parse(readFileSync(target, "utf8")), target);
  if (!/^0x[0-9a-fA-F]{64}$/.test(target))
    throw new FlexGridError(`${target} is neither a file nor a reading's packet hash`, "VERIFY_INPUT");
  // the BAL serves readings to signed-in parties only: a session or service token in BAL_TOKEN
  const token = process.env.BAL_TOKEN;
  const init = token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
  const res = await fetch(`${balUrl}/readings/${target}`, init).catch((error: Error) => {
    throw new FlexGridError(
      `cannot reach the BAL at ${balUrl} to fetch reading ${target}: ${error.message}`,
      "BAL_UNREACHABLE",
    );
  });
  if (res.status === 401)
    throw new FlexGridError(`the BAL needs a sign-in: set BAL_TOKEN (a session or service token)`, "BAL_AUTH");
  if (res.status === 404) throw new FlexGridError(`the BAL has no reading ${target} you may read`, "NOT_FOUND");
  if (!res.ok) throw new FlexGridError(`the BAL answered HTTP ${res.status} for reading ${target}`, "BAL_ERROR");
  return parseWith(certificateSchema, await res.json(), `reading ${target} from ${balUrl}`);
}

export function registerBalCommands(program: Command): void {
  program
    .command("verify")
    .description(describeCommand("verify"))
    .argument(
      "<reading>",
      "a reading's packet hash (fetched from the BAL with BAL_TOKEN), or a certificate file (GET /readings/:hash saved as JSON)",
    )
    .option("--bal-url <url>", "where to fetch a reading by id (default http://127.0.0.1:$BAL_PORT)")
    .option("--rpc-url <url>", "chain to verify against (default $RPC_URL or the local node)")
    .option("--network <name>", "address book to take MeasurementAnchor from (default $NETWORK)")
    .option("--anchor <address>", "MeasurementAnchor address (overrides the address book)")
    .option("--json", "print the report as JSON")
    .action(async (reading: string, options: VerifyOptions) => {
      const config = loadConfig();
      const cert = await loadCertificate(reading, options.balUrl ?? `http://127.0.0.1:${config.ports.bal}`);
      const rpcUrl = options.rpcUrl ?? config.rpcUrl ?? `http://127.0.0.1:${config.ports.rpc}`;
      let anchorAddress = options.anchor;
      if (!anchorAddress) {
        try {
          anchorAddress = contractAddress(loadDeployment(options.network ?? config.network), "MeasurementAnchor");
        } catch {
          throw new FlexGridError(
            "no MeasurementAnchor address: pass --anchor or deploy first (the certificate's own address is not trusted)",
            "NO_ANCHOR",
          );
        }
      }
      const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
      const { chainId } = await provider.getNetwork().catch((error: Error) => {
        throw new FlexGridError(`cannot reach the chain at ${rpcUrl}: ${error.message}`, "RPC");
      });
      const report = await verifyCertificate(cert, provider, anchorAddress);
      provider.destroy();
      const warnings: string[] = [];
      if (Number(chainId) !== cert.chainId)
        warnings.push(`the certificate names chain ${cert.chainId}, verified on chain ${chainId}`);
      if (cert.measurementAnchor.toLowerCase() !== anchorAddress.toLowerCase())
        warnings.push(
          `the certificate names anchor ${cert.measurementAnchor}, verified against ${anchorAddress} (address book)`,
        );
      if (options.json) {
        console.log(JSON.stringify({ ...report, warnings }, null, 2));
      } else {
        const p = cert.packet;
        console.log(`reading ${p.hash} (${p.kind} of ${p.pod}, sequence ${(p.data as { sequence: number }).sequence})`);
        for (const c of report.checks) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.check.padEnd(18)} ${c.detail}`);
        for (const w of warnings) console.log(`  warning: ${w}`);
        console.log(report.ok ? "VERIFIED" : `NOT VERIFIED: check "${report.firstFailure}" failed`);
      }
      if (!report.ok) process.exitCode = 1;
    });

  const bal = program.command("bal").description(describeCommand("bal"));

  bal
    .command("add-device")
    .description(
      "create MQTT credentials for a Light Node (username = PoD id; it may publish only to its own PoD's topics) and print its password",
    )
    .argument("<pod>", "PoD id, e.g. IT002E61899978")
    .option(
      "--file <path>",
      "credentials file of the embedded broker (default $FLEXGRID_DATA_DIR/bal/mqtt-credentials.json)",
    )
    .action((pod: string, options: { file?: string }) => {
      const file = options.file ?? path.join(loadConfig().dataDir, "bal", "mqtt-credentials.json");
      const store = CredentialStore.load(file);
      const password = store.add(pod, { role: "node", pod });
      store.save(file);
      console.log(JSON.stringify({ username: pod, password, file }, null, 2));
    });

  bal
    .command("mosquitto-acl")
    .description("print a Mosquitto ACL file with the BAL's topic rules (for MQTT_URL deployments)")
    .option("--bal-user <name>", "the BAL's MQTT user", "bal")
    .option("--dso-user <name>", "the DSO oracle's MQTT user", "dso")
    .action((options: { balUser: string; dsoUser: string }) =>
      console.log(mosquittoAcl(options.balUser, options.dsoUser)),
    );

  for (const [name, route, what] of [
    ["status", "stats", "ingest and anchoring counters of a running BAL"],
    ["rejections", "rejections", "rejected packets by reason, and the latest ones"],
    ["light-nodes", "light-nodes", "Light Node status (online, last seen, last sequence)"],
    ["anomalies", "anomalies", "latest anomaly packets"],
  ] as const) {
    bal
      .command(name)
      .description(`print the ${what}`)
      .option("--bal-url <url>", "BAL HTTP API (default http://127.0.0.1:$BAL_PORT)")
      .action(async (options: { balUrl?: string }) => {
        const url = `${options.balUrl ?? `http://127.0.0.1:${loadConfig().ports.bal}`}/${route}`;
        const res = await fetch(url).catch((error: Error) => {
          throw new FlexGridError(`cannot reach the BAL at ${url}: ${error.message}`, "BAL_UNREACHABLE");
        });
        console.log(JSON.stringify(await res.json(), null, 2));
      });
  }
}
