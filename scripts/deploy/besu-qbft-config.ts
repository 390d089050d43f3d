// Writes a Besu QBFT network's genesis and validator keys for deploy/production/compose.yaml:
//
//   node bin/run.js scripts/deploy/besu-qbft-config.ts --out deploy/production/generated [--validators 4] [--chain-id 1337]
//
// Writes besu/genesis.json, besu/nodeN/key (mode 0600: a validator key signs blocks), besu/static-nodes.json and
// the validators' addresses. Keys are generated here and never committed (deploy/production/generated is ignored).
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { buildQbftGenesis, enodeOf } from "./besuQbft";

const cliSchema = z.object({
  out: z.string().min(1),
  validators: z.coerce.number().int().min(1).max(16).default(4),
  chainId: z.coerce.number().int().positive().default(1337),
});

function main(argv: string[]): void {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, "").replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    if (!name || argv[i + 1] === undefined) throw new Error(`usage: --out DIR [--validators N] [--chain-id ID]`);
    flags[name] = argv[i + 1]!;
  }
  const { out, validators, chainId } = cliSchema.parse(flags);
  const dir = path.join(out, "besu");
  const keys = Array.from({ length: validators }, () => generatePrivateKey());
  const addresses = keys.map((k) => privateKeyToAccount(k).address);
  keys.forEach((key, i) => {
    const nodeDir = path.join(dir, `node${i + 1}`);
    mkdirSync(nodeDir, { recursive: true });
    writeFileSync(path.join(nodeDir, "key"), key.slice(2), { mode: 0o600 });
    chmodSync(path.join(nodeDir, "key"), 0o600);
  });
  writeFileSync(
    path.join(dir, "genesis.json"),
    JSON.stringify(buildQbftGenesis({ chainId, validators: addresses }), null, 2),
  );
  // compose service names besu-1..besu-N are the hosts the validators find each other by
  const staticNodes = keys.map((k, i) => enodeOf(k, `besu-${i + 1}`));
  writeFileSync(path.join(dir, "static-nodes.json"), JSON.stringify(staticNodes, null, 2));
  writeFileSync(path.join(dir, "validators.json"), JSON.stringify(addresses, null, 2));
  console.log(`besu-qbft: ${validators} validators, chain id ${chainId}, written to ${dir}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`besu-qbft: ${(error as Error).message}`);
  process.exitCode = 2;
}
