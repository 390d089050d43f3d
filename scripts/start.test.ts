// `npm start` end to end: the stack comes up on a free port, answers JSON-RPC, holds the demo PoDs, and stops
// everything (chain included) on SIGINT.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { rpcBlockNumber } from "./stack/chain";
import { deploymentPath } from "../protocol";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("npm start (scripts/start.ts)", function () {
  this.timeout(400_000);

  it("reaches ready, plays the simulated day through every oracle, and stops cleanly on SIGINT", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "flexgrid-start-"));
    const network = `start-test-${process.pid}`;
    const child = spawn(
      process.execPath,
      [path.join(__dirname, "..", "bin", "run.js"), path.join(__dirname, "start.ts")],
      {
        env: {
          ...process.env,
          RPC_PORT: String(port),
          MQTT_PORT: String(await freePort()),
          BAL_PORT: String(await freePort()),
          SUBGRAPH_PORT: String(await freePort()),
          FLEXGRID_DATA_DIR: dataDir,
          NETWORK: network,
          LOG_FORMAT: "json",
          RPC_URL: "",
          MQTT_URL: "",
          DATABASE_URL: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const waitForOutput = async (pattern: RegExp, what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`npm start did not reach ${what}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    try {
      await waitForOutput(/FlexGrid local stack ready/, "ready", 150_000);
      expect(await rpcBlockNumber(`http://127.0.0.1:${port}`)).to.be.greaterThan(0);
      expect(output).to.match(/demo PoDs\s+5 PoDs of CP-IRLANDESE/);
      expect(output).to.match(/contract PodRegistry\s+0x[0-9a-fA-F]{40}/);

      // The field test's story, played by the stack's own oracles: the DSO's request is served on Mostacciano, and
      // validation cuts the TSO award on Nanchino to what the 19.6 A spur carries.
      await waitForOutput(/simulated day: final outcome|simulated day failed/, "the simulated day's outcome", 200_000);
      const outcomeLine = output.split("\n").find((line) => line.includes("simulated day: final outcome"));
      expect(outcomeLine, `the simulated day failed:\n${output}`).to.not.equal(undefined);
      const { awards } = JSON.parse(outcomeLine!) as {
        awards: { pod: string; quantityKw: number; verdict: string; finalQuantityKw: number }[];
      };
      const award = (pod: string) => awards.find((a) => a.pod === pod);
      expect(award("IT002E61899978")).to.include({ verdict: "OK" });
      expect(award("IT002E60974469")).to.include({ verdict: "OK" });
      const tso = award("IT002E60550189")!;
      expect(tso.verdict).to.equal("partial");
      expect(tso.finalQuantityKw).to.be.greaterThan(0).and.lessThan(tso.quantityKw);
      const errors = output.split("\n").filter((line) => /"level":[56]0/.test(line));
      expect(errors, "no service logged an error").to.deep.equal([]);

      child.kill("SIGINT");
      expect(await exited).to.equal(0);
      let stillAnswers = true;
      try {
        await rpcBlockNumber(`http://127.0.0.1:${port}`);
      } catch {
        stillAnswers = false;
      }
      expect(stillAnswers, "the chain must stop with the stack").to.equal(false);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(deploymentPath(network), { force: true });
    }
  });
});
