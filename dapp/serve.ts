// Serves the built dApp (dapp/dist) for `npm start`: the static files, /config.json from the live address book, and
// same-origin proxies to the chain (/api/rpc), the subgraph (/api/subgraph) and the BAL API (/api/bal/*), so the
// browser needs no CORS from any of them. Call startDapp() from scripts/stack/services.ts.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express, { type Request, type Response } from "express";

export const DAPP_DIR = __dirname;
export const DIST_DIR = path.join(DAPP_DIR, "dist");
const LOCAL_CHAIN_ID = 31337;

export interface DappDeployment {
  network: string;
  chainId: number;
  contracts: Record<string, { address: string }>;
  accounts: Record<string, string>;
}

export interface StartDappOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  rpcUrl: string;
  /** The subgraph's query URL (…/subgraphs/name/flexgrid). */
  subgraphUrl: string;
  /** The BAL HTTP API's base URL. */
  balUrl: string;
  deployment: DappDeployment;
  walletConnectProjectId?: string;
  /** Build dist/ first when it is missing (default true). */
  build?: boolean;
}

export interface RunningDapp {
  url: string;
  stop(): Promise<void>;
}

// What the bundle is built from: a build whose recorded hash differs is rebuilt, never served stale.
const BUILD_INPUTS = [
  "src",
  "index.html",
  "vite.config.mts",
  "package.json",
  "tsconfig.json",
  "scripts/generate-contracts.ts",
];
const BUILD_STAMP = path.join(DIST_DIR, ".flexgrid-build-inputs");

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .filter((name) => name !== "generated")
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

/** A hash of the dApp's sources and of the contract artifacts its generated module is made from. */
export function dappInputsHash(): string {
  const hash = createHash("sha256");
  const artifacts = path.join(DAPP_DIR, "..", "artifacts", "contracts");
  for (const file of [...BUILD_INPUTS.flatMap((p) => filesUnder(path.join(DAPP_DIR, p))), ...filesUnder(artifacts)])
    if (!file.endsWith(".dbg.json")) hash.update(path.relative(DAPP_DIR, file)).update("\0").update(readFileSync(file));
  return hash.digest("hex");
}

/** Runs `vite build` (through the package's build script) when dist/ is missing or was built from other sources. */
export function ensureDappBuild(): void {
  const inputs = dappInputsHash();
  if (
    existsSync(path.join(DIST_DIR, "index.html")) &&
    existsSync(BUILD_STAMP) &&
    readFileSync(BUILD_STAMP, "utf8") === inputs
  )
    return;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["run", "build"], { cwd: DAPP_DIR, stdio: "inherit" });
  if (run.status !== 0) throw new Error("dapp: `npm run build` failed");
  writeFileSync(BUILD_STAMP, inputs);
}

/** The browser's /config.json: public data only (addresses, same-origin URLs, the local chain's named accounts). */
export function runtimeConfigOf(options: StartDappOptions): Record<string, unknown> {
  const { deployment } = options;
  return {
    chainId: deployment.chainId,
    network: deployment.network,
    rpcUrl: "/api/rpc",
    subgraphUrl: "/api/subgraph",
    balUrl: "/api/bal",
    walletConnectProjectId: options.walletConnectProjectId,
    contracts: Object.fromEntries(Object.entries(deployment.contracts).map(([name, c]) => [name, c.address])),
    devAccounts: deployment.chainId === LOCAL_CHAIN_ID ? deployment.accounts : {},
  };
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "content-encoding",
]);

/** Forwards the request to `target` (with the rest of the path) and streams the answer back. */
function proxyTo(target: string) {
  return async (req: Request, res: Response) => {
    const url = target.replace(/\/$/, "") + (req.url === "/" ? "" : req.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string" && !HOP_BY_HOP.has(name)) headers[name] = value;
    try {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const upstream = await fetch(url, {
        method: req.method,
        headers,
        body: hasBody && Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      res.status(upstream.status);
      upstream.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) res.setHeader(name, value);
      });
      res.send(Buffer.from(await upstream.arrayBuffer()));
    } catch (error) {
      res.status(502).json({ error: `upstream ${target} did not answer: ${(error as Error).message}` });
    }
  };
}

export async function startDapp(options: StartDappOptions): Promise<RunningDapp> {
  if (options.build !== false) ensureDappBuild();
  const app = express();
  const config = runtimeConfigOf(options);
  app.get("/config.json", (_req, res) => void res.set("cache-control", "no-store").json(config));
  const raw = express.raw({ type: () => true, limit: "5mb" });
  app.use("/api/rpc", raw, proxyTo(options.rpcUrl));
  app.use("/api/subgraph", raw, proxyTo(options.subgraphUrl));
  app.use("/api/bal", raw, proxyTo(options.balUrl));
  app.use(express.static(DIST_DIR, { index: "index.html", maxAge: "1h" }));
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host ?? "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
