// The local chain for `npm start`: a Hardhat node in a child process, ready when eth_blockNumber answers.
import { spawn, type ChildProcess } from "node:child_process";
import { FlexGridError } from "../../protocol";

const HARDHAT_CLI = require.resolve("hardhat/internal/cli/cli");
const START_TIMEOUT_MS = 60_000;

export async function rpcBlockNumber(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await response.json()) as { result?: string };
  if (typeof body.result !== "string")
    throw new FlexGridError(`${rpcUrl} answered eth_blockNumber without a result`, "RPC");
  return Number(BigInt(body.result));
}

export interface LocalChain {
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Starts `hardhat node` on 127.0.0.1:<port> and waits until it answers. */
export async function startLocalChain(port: number, cwd: string): Promise<LocalChain> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await rpcBlockNumber(rpcUrl);
    throw new FlexGridError(`port ${port} already answers JSON-RPC: stop that node or set RPC_PORT`, "PORT_IN_USE");
  } catch (error) {
    if (error instanceof FlexGridError) throw error;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, RPC_URL: undefined },
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new FlexGridError(`hardhat node exited with code ${child.exitCode}: ${stderr}`, "CHAIN");
    try {
      await rpcBlockNumber(rpcUrl);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new FlexGridError(
          `hardhat node did not answer on ${rpcUrl} within ${START_TIMEOUT_MS / 1000} s`,
          "CHAIN",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    rpcUrl,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
