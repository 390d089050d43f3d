// Composition root of the local subgraph runner: loads the built subgraph, opens the store, follows the chain,
// and serves the graph-node query API at /subgraphs/name/<name>.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import express from "express";
import { createPublicClient, decodeFunctionResult, encodeFunctionData, http } from "viem";
import type { AbiFunction, Hex, PublicClient } from "viem";
import { openDb } from "./db";
import type { Db } from "./db";
import { ChainFollower } from "./follower";
import type { FollowerOptions } from "./follower";
import type { EthCaller, HostLogger } from "./host";
import { indexAddresses, loadSubgraph, MappingRunner } from "./mapping";
import type { LoadedSubgraph } from "./mapping";
import { QueryService } from "./graphql";
import { EntityStore } from "./store";
import { SyncRpc } from "./sync-rpc";

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface RunnerOptions {
  /** Directory `graph build` wrote (holds subgraph.yaml, schema.graphql, the ABIs and WASM files). */
  buildDir: string;
  subgraphName?: string;
  rpcUrl?: string;
  /** An existing viem client (tests use Hardhat's in-process provider through it). */
  client?: PublicClient;
  databaseUrl?: string;
  /** PGlite directory; in memory when absent. */
  dataDir?: string;
  /** Overrides of data source addresses and start blocks (from the deployment book), by data source name. */
  addresses?: Record<string, { address: string; startBlock?: number }>;
  network?: string;
  /** HTTP port for the query API; no server when undefined. 0 picks a free port. */
  port?: number;
  host?: string;
  pollIntervalMs?: number;
  logger?: RunnerLogger;
  /** Answers ethereum.call instead of the RPC endpoint (tests). */
  caller?: EthCaller;
  /** Retry and range settings of the chain follower. */
  follower?: Omit<FollowerOptions, "log">;
}

export interface SubgraphRunner {
  url?: string;
  mappings: MappingRunner;
  subgraph: LoadedSubgraph;
  store: EntityStore;
  query: QueryService;
  follower: ChainFollower;
  /** Indexes up to the chain head once; resolves with the last indexed block. */
  sync(): Promise<number>;
  stop(): Promise<void>;
}

const silent: RunnerLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** ethereum.call, getBalance and hasCode over synchronous JSON-RPC, at the block of the trigger being run. */
export function rpcCaller(rpc: SyncRpc, subgraph: LoadedSubgraph, block: () => bigint | null): EthCaller {
  const tag = () => {
    const b = block();
    return b === null ? "latest" : `0x${b.toString(16)}`;
  };
  return {
    call(request) {
      const ds = subgraph.dataSources.find((d) => d.abis.has(request.contractName));
      const abi = ds?.abis.get(request.contractName);
      if (!abi) throw new Error(`ethereum.call: no ABI named ${request.contractName}`);
      const wantedInputs = request.functionSignature.split(":")[0];
      const fn = abi.find(
        (item): item is AbiFunction =>
          item.type === "function" &&
          item.name === request.functionName &&
          (!wantedInputs.includes("(") ||
            `${item.name}(${item.inputs.map((i) => i.type).join(",")})` === wantedInputs.replace(/\s/g, "")),
      );
      if (!fn) throw new Error(`ethereum.call: ${request.contractName} has no function ${request.functionSignature}`);
      const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args: request.args.map((a) => a.value) });
      let result: Hex;
      try {
        result = rpc.request<Hex>("eth_call", [{ to: request.address, data }, tag()]);
      } catch (error) {
        // A revert is a null result for the mapping (try_ functions); transport errors are not.
        if ((error as { rpcError?: unknown }).rpcError) return null;
        throw error;
      }
      const decoded = decodeFunctionResult({ abi: [fn], functionName: fn.name, data: result }) as unknown;
      const values = fn.outputs.length === 1 ? [decoded] : (decoded as readonly unknown[]);
      return { outputs: fn.outputs, values };
    },
    getBalance(address) {
      return BigInt(rpc.request<Hex>("eth_getBalance", [address, tag()]));
    },
    hasCode(address) {
      return rpc.request<Hex>("eth_getCode", [address, tag()]) !== "0x";
    },
  };
}

/** The GraphiQL explorer page graph-node serves (GraphiQL from its CDN, querying `endpoint`). */
export function graphiqlPage(endpoint: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>FlexGrid subgraph — GraphiQL</title>
  <style>body { height: 100%; margin: 0; width: 100%; overflow: hidden; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css" />
  <script crossorigin src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: new URL(${JSON.stringify(endpoint)}, window.location.href).href });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: "{ _meta { block { number hash timestamp } deployment hasIndexingErrors } }" }),
    );
  </script>
</body>
</html>
`;
}

/** SHA-256 over every file `graph build` wrote (manifest, schema, ABIs, WASM), so any change to them shows. */
export function buildFingerprint(buildDir: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else hash.update(path.relative(buildDir, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(buildDir);
  return hash.digest("hex");
}

export async function startSubgraphRunner(options: RunnerOptions): Promise<SubgraphRunner> {
  const log = options.logger ?? silent;
  const name = options.subgraphName ?? "flexgrid";
  const subgraph = loadSubgraph(options.buildDir);
  for (const ds of subgraph.dataSources) {
    const override = options.addresses?.[ds.name];
    if (override) {
      ds.address = override.address.toLowerCase() as Hex;
      if (override.startBlock !== undefined) ds.startBlock = override.startBlock;
    }
    if (options.network) ds.network = options.network;
  }
  for (const template of subgraph.templates.values()) if (options.network) template.network = options.network;
  indexAddresses(subgraph);

  const db: Db = await openDb({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  const store = new EntityStore(db, subgraph.schema);
  await store.init();
  // Entities indexed from other contracts (a redeployed local chain) or by another build (schema, mappings, ABIs)
  // would be wrong: start over when either changes, as graph-node indexes a new deployment from scratch.
  const fingerprint = {
    dataSources: subgraph.dataSources.map((ds) => `${ds.name}@${ds.address}#${ds.startBlock}`).join(","),
    build: buildFingerprint(options.buildDir),
  };
  for (const [key, now] of Object.entries(fingerprint)) {
    const previous = await store.getMeta<string>(key);
    if (previous !== null && previous !== now) {
      log.warn({ changed: key, previous, now }, "subgraph changed: re-indexing from scratch");
      await store.rollbackTo(-1);
      break;
    }
  }
  for (const [key, now] of Object.entries(fingerprint)) await store.setMeta(key, now);

  // Batched: the follower asks for a range's blocks at once, and they go out as one JSON-RPC batch.
  const client =
    options.client ??
    createPublicClient({ transport: http(options.rpcUrl ?? "http://127.0.0.1:8545", { batch: { batchSize: 100 } }) });
  const syncRpc = options.rpcUrl ? new SyncRpc(options.rpcUrl) : null;
  const hostLogger: HostLogger = {
    log(level, message) {
      const fn =
        level === "critical" || level === "error"
          ? log.error
          : level === "warning"
            ? log.warn
            : level === "debug"
              ? log.debug
              : log.info;
      fn.call(log, { mapping: true }, message);
    },
  };
  let currentBlock: bigint | null = null;
  const mappings = new MappingRunner(
    subgraph,
    store,
    hostLogger,
    options.caller ?? (syncRpc ? rpcCaller(syncRpc, subgraph, () => currentBlock) : undefined),
  );
  const run = mappings.run.bind(mappings);
  mappings.run = (trigger) => {
    currentBlock = trigger.block.number;
    run(trigger);
  };
  const follower = new ChainFollower(client, subgraph, store, mappings, {
    ...options.follower,
    log: (level, message, details) => log[level]({ ...details }, message),
  });

  const deployment = `flexgrid-local/${name}`;
  const query = new QueryService(subgraph.schema, {
    db,
    deployment,
    // Only what is in SQL: the in-memory head runs up to a range ahead of it while the range is indexed.
    latest: async () => store.persistedBlock(),
    hasIndexingErrors: async () => follower.fatalError !== null,
    blockNumberByHash: async (hash) => {
      try {
        const block = await client.getBlock({ blockHash: hash as Hex });
        // Only a block of the canonical chain: an orphaned one has no state in the index.
        const canonical = await client.getBlock({ blockNumber: block.number! });
        return canonical.hash === block.hash ? Number(block.number) : null;
      } catch (error) {
        if ((error as { name?: string }).name === "BlockNotFoundError") return null;
        throw error;
      }
    },
  });

  let server: Server | undefined;
  let url: string | undefined;
  if (options.port !== undefined) {
    const app = express();
    // graph-node's CORS headers on every answer, so a browser dApp can query the runner and graph-node alike.
    app.use((_req, res, next) => {
      res.setHeader("Access-Control-Allow-Origin", "*");
      res.setHeader("Access-Control-Allow-Headers", "Content-Type, User-Agent");
      res.setHeader("Access-Control-Allow-Methods", "GET, OPTIONS, POST");
      next();
    });
    app.use(express.json({ limit: "1mb" }));
    app.options(/^\/subgraphs\/name\/.*/, (_req, res) => {
      res.status(200).type("text/html; charset=utf-8").send("");
    });
    // graph-node serves GraphiQL at <subgraph>/graphql and redirects a browser's GET of the subgraph URL there.
    app.get("/subgraphs/name/:name/graphql", (req, res) => {
      res.type("text/html; charset=utf-8").send(graphiqlPage(`/subgraphs/name/${String(req.params.name)}`));
    });
    const handle = async (req: express.Request, res: express.Response) => {
      if (req.params.name !== name) {
        res.status(404).json({ errors: [{ message: `subgraph \`${String(req.params.name)}\` not found` }] });
        return;
      }
      const body = (req.method === "GET" ? req.query : req.body) as {
        query?: string;
        variables?: unknown;
        operationName?: string;
      };
      if (!body?.query) {
        if (req.method === "GET") {
          res.redirect(302, `/subgraphs/name/${name}/graphql`);
          return;
        }
        res.status(400).json({ errors: [{ message: "The query is empty" }] });
        return;
      }
      const variables =
        typeof body.variables === "string"
          ? (JSON.parse(body.variables) as Record<string, unknown>)
          : (body.variables as Record<string, unknown>);
      const result = await query.execute(String(body.query), variables, body.operationName);
      res.status(200).json(result);
    };
    app.post("/subgraphs/name/:name", handle);
    app.get("/subgraphs/name/:name", handle);
    app.get("/", (_req, res) => {
      res.json({
        subgraphs: [`/subgraphs/name/${name}`],
        latestBlock: store.persistedBlock(),
        failed: follower.fatalError?.message ?? null,
      });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(s));
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    url = `http://${options.host ?? "127.0.0.1"}:${port}/subgraphs/name/${name}`;
    log.info({ url }, "subgraph query API listening");
  }

  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<number> | null = null;
  const sync = async () => {
    // One sync at a time: the poller and explicit callers share the same run.
    syncing ??= follower.syncOnce().finally(() => {
      syncing = null;
    });
    return syncing;
  };
  if (options.pollIntervalMs) {
    const interval = options.pollIntervalMs;
    // Failed polls (the node down or refusing) back off up to a minute; the index stays as it is meanwhile.
    let failures = 0;
    const tick = async () => {
      try {
        await sync();
        failures = 0;
      } catch (error) {
        if (follower.fatalError) {
          log.error({ error: (error as Error).message }, "subgraph indexing stopped");
          await store.setMeta("fatalError", follower.fatalError.message).catch(() => undefined);
          return;
        }
        failures++;
        log.warn(
          { error: (error as Error).message, retryInMs: Math.min(interval * 2 ** failures, 60_000) },
          "subgraph poll failed",
        );
      }
      timer = setTimeout(() => void tick(), failures ? Math.min(interval * 2 ** failures, 60_000) : interval);
    };
    timer = setTimeout(() => void tick(), 0);
  }

  return {
    url,
    mappings,
    subgraph,
    store,
    query,
    follower,
    sync,
    async stop() {
      if (timer) clearTimeout(timer);
      await syncing?.catch(() => undefined);
      await store.flush().catch(() => undefined);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await syncRpc?.close();
      await db.close();
    },
  };
}
