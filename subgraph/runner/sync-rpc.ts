// Synchronous JSON-RPC for host functions (ethereum.call runs inside a WASM call, which cannot await): a worker
// thread does the HTTP request while the calling thread blocks on Atomics.wait, then reads the reply off a port.
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, port, signal } = workerData;
const flag = new Int32Array(signal);
parentPort.on("message", async (body) => {
  let reply;
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    reply = { ok: true, text: await res.text() };
  } catch (error) {
    reply = { ok: false, text: String(error && error.message || error) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export class SyncRpc {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private id = 0;

  constructor(
    readonly url: string,
    private readonly timeoutMs = 30_000,
  ) {
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url, port: port2, signal },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** Sends one JSON-RPC request and blocks until the answer; throws on transport or RPC errors. */
  request<T>(method: string, params: unknown[]): T {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage(JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }));
    if (Atomics.wait(this.flag, 0, 0, this.timeoutMs) === "timed-out") throw new Error(`${method}: RPC timed out`);
    const message = receiveMessageOnPort(this.port)?.message as { ok: boolean; text: string } | undefined;
    if (!message) throw new Error(`${method}: no reply from RPC worker`);
    if (!message.ok) throw new Error(`${method}: ${message.text}`);
    const reply = JSON.parse(message.text) as { result?: T; error?: { message: string; data?: unknown } };
    if (reply.error) throw Object.assign(new Error(`${method}: ${reply.error.message}`), { rpcError: reply.error });
    return reply.result as T;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    this.port.close();
  }
}
