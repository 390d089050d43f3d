// Renders subgraph/subgraph.yaml and subgraph/abis/ from datasources.ts, the Hardhat artifacts and the deployment
// book deployments/<network>.json (addresses and start blocks). Never edit subgraph.yaml by hand.
// Usage: node bin/run.js subgraph/scripts/render.ts [--network hardhat] [--graph-network mainnet]
//        [--placeholder-addresses]   (local runner builds only: zero addresses, which the runner replaces at start)
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Abi, AbiEvent } from "viem";
import { stringify } from "yaml";
import { dataSources, templates } from "../datasources";
import type { DataSourceSpec } from "../datasources";
import { manifestSignature } from "../runner/mapping";

const SUBGRAPH_DIR = path.resolve(__dirname, "..");
const ROOT = path.resolve(SUBGRAPH_DIR, "..");
const ZERO = "0x0000000000000000000000000000000000000000";

export interface RenderOptions {
  /** Deployment book to read (deployments/<network>.json); zero addresses when it does not exist. */
  network: string;
  /** Network name written in the manifest (graph-node's name for the chain); the book's `network` by default. */
  graphNetwork?: string;
  /**
   * Zero addresses and start block 0 for contracts missing from the book. Only for the local runner's build, which
   * takes the addresses from the book when it starts; a manifest for graph-node must never watch the zero address.
   */
  placeholderAddresses?: boolean;
  artifactsDir?: string;
  deploymentsDir?: string;
  outDir?: string;
}

function findArtifact(dir: string, contract: string): string | null {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) {
      const found =
        entry === `${contract}.sol` && existsSync(path.join(p, `${contract}.json`))
          ? path.join(p, `${contract}.json`)
          : findArtifact(p, contract);
      if (found) return found;
    }
  }
  return null;
}

/** The manifest's `mapping` of a data source or template; writes its ABI to abis/. */
function mappingOf(spec: DataSourceSpec, artifact: string, outDir: string) {
  const abi = (JSON.parse(readFileSync(artifact, "utf8")) as { abi: Abi }).abi;
  writeFileSync(path.join(outDir, "abis", `${spec.name}.json`), JSON.stringify(abi, null, 2) + "\n");
  const events = abi.filter((item): item is AbiEvent => item.type === "event");
  const handlers = spec.events.map((name) => {
    const event = events.find((e) => e.name === name);
    if (!event) throw new Error(`${spec.name}: event ${name} is not in the ABI`);
    return { event: manifestSignature(event), handler: `handle${name}` };
  });
  return {
    kind: "ethereum/events",
    apiVersion: "0.0.9",
    language: "wasm/assemblyscript",
    entities: spec.entities,
    abis: [{ name: spec.name, file: `./abis/${spec.name}.json` }],
    eventHandlers: handlers,
    file: `./${spec.mapping}`,
  };
}

export function renderManifest(options: RenderOptions): { manifest: string; missing: string[] } {
  const artifactsDir = options.artifactsDir ?? path.join(ROOT, "artifacts", "contracts");
  const deploymentsDir = options.deploymentsDir ?? path.join(ROOT, "deployments");
  const outDir = options.outDir ?? SUBGRAPH_DIR;
  const bookPath = path.join(deploymentsDir, `${options.network}.json`);
  if (!existsSync(bookPath) && !options.placeholderAddresses)
    throw new Error(`no address book at ${bookPath}: deploy to ${options.network} first (a manifest needs addresses)`);
  const book = existsSync(bookPath)
    ? (JSON.parse(readFileSync(bookPath, "utf8")) as {
        network?: string;
        contracts: Record<string, { address: string; blockNumber: number }>;
      })
    : { contracts: {} };
  const network = options.graphNetwork ?? book.network ?? options.network;
  mkdirSync(path.join(outDir, "abis"), { recursive: true });
  const missing: string[] = [];
  const rendered = [];
  for (const spec of dataSources) {
    const artifact = findArtifact(artifactsDir, spec.name);
    if (!artifact) {
      missing.push(spec.name);
      continue;
    }
    const deployed = book.contracts[spec.name];
    if (!deployed && !options.placeholderAddresses)
      throw new Error(`${spec.name} is not in the ${options.network} address book (${bookPath})`);
    rendered.push({
      kind: "ethereum/contract",
      name: spec.name,
      network,
      source: { address: deployed?.address ?? ZERO, abi: spec.name, startBlock: deployed?.blockNumber ?? 0 },
      mapping: mappingOf(spec, artifact, outDir),
    });
  }
  const renderedTemplates = [];
  for (const spec of templates) {
    const artifact = findArtifact(artifactsDir, spec.name);
    if (!artifact) {
      missing.push(spec.name);
      continue;
    }
    renderedTemplates.push({
      kind: "ethereum/contract",
      name: spec.name,
      network,
      source: { abi: spec.name },
      mapping: mappingOf(spec, artifact, outDir),
    });
  }
  const header = `# Rendered by subgraph/scripts/render.ts for network "${options.network}" — do not edit.\n`;
  const manifest =
    header +
    stringify(
      {
        specVersion: "1.0.0",
        schema: { file: "./schema.graphql" },
        dataSources: rendered,
        templates: renderedTemplates,
      },
      { lineWidth: 0 },
    );
  writeFileSync(path.join(outDir, "subgraph.yaml"), manifest);
  return { manifest, missing };
}

if (require.main === module || process.argv[1] === __filename) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const network = arg("network") ?? "hardhat";
  const { missing } = renderManifest({
    network,
    graphNetwork: arg("graph-network"),
    placeholderAddresses: process.argv.includes("--placeholder-addresses"),
  });
  if (missing.length) {
    console.error(`no artifacts for ${missing.join(", ")}: run \`npx hardhat compile\` first`);
    process.exit(1);
  }
  console.log(`rendered subgraph/subgraph.yaml for ${network}`);
}
