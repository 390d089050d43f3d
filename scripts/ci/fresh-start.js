#!/usr/bin/env node
// CI's proof that `npm start` works on a tree where nothing was compiled or generated: runs the README's start
// command as a person would (through npm, on free ports), waits for the ready line and an eth_blockNumber answer,
// then presses Ctrl-C (SIGINT to the process group, as a terminal does) and expects a clean exit.
// Run by .ci/run on its fresh clone before `npm test`. Plain JavaScript, so that running it builds nothing itself;
// run anywhere else, it says whether the tree really was never compiled.
"use strict";
const { spawn } = require("node:child_process");
const { existsSync, mkdtempSync } = require("node:fs");
const { createServer } = require("node:net");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const READY = /FlexGrid local stack ready in ([\d.]+) s/;
const READY_TIMEOUT_MS = 20 * 60_000;
const GENERATED = ["artifacts", "typechain-types", "cache", "dist", "subgraph/build", "subgraph/generated"];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function blockNumber(rpcUrl) {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  const body = await response.json();
  if (typeof body.result !== "string") throw new Error(`eth_blockNumber answered ${JSON.stringify(body)}`);
  return Number(BigInt(body.result));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const generated = GENERATED.filter((p) => existsSync(path.join(ROOT, p)));
  console.log(
    generated.length === 0
      ? `fresh-start: the tree has never been compiled (none of ${GENERATED.join(", ")})`
      : `fresh-start: NOTE the tree already holds ${generated.join(", ")}: this run proves a start, not a fresh one`,
  );
  const rpcPort = await freePort();
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const env = {
    ...process.env,
    RPC_PORT: String(rpcPort),
    MQTT_PORT: String(await freePort()),
    BAL_PORT: String(await freePort()),
    SUBGRAPH_PORT: String(await freePort()),
    DAPP_PORT: String(await freePort()),
    FLEXGRID_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "flexgrid-fresh-start-")),
    NETWORK: `fresh-start-${process.pid}`,
    RPC_URL: "",
    MQTT_URL: "",
    DATABASE_URL: "",
  };
  const started = performance.now();
  // Its own process group, so that SIGINT reaches npm and everything under it, as Ctrl-C in a terminal does.
  const child = spawn("npm", ["start"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk.toString()));
  child.stderr.on("data", (chunk) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  const fail = (why) => {
    console.error(`fresh-start: FAILED: ${why}\n--- npm start printed:\n${output}`);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    process.exit(1);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!READY.test(output)) {
    if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode} before the ready line`);
    if (Date.now() > deadline) fail(`no ready line after ${READY_TIMEOUT_MS / 60_000} min`);
    await sleep(250);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const stackSeconds = Number(READY.exec(output)[1]);
  let block;
  try {
    block = await blockNumber(rpcUrl);
  } catch (error) {
    fail(`the chain at ${rpcUrl} did not answer eth_blockNumber: ${error.message}`);
  }
  console.log(
    `fresh-start: ready ${wallSeconds.toFixed(1)} s after \`npm start\` (the stack's own figure: ${stackSeconds} s); ` +
      `eth_blockNumber = ${block}`,
  );

  const stopAt = performance.now();
  process.kill(-child.pid, "SIGINT");
  const code = await Promise.race([exited, sleep(60_000).then(() => "timeout")]);
  if (code === "timeout") fail("still running 60 s after SIGINT");
  // npm re-raises the SIGINT it got once its script has ended (as after Ctrl-C in a terminal): the stack's own
  // last log line says whether it stopped cleanly.
  if (code !== 0 && code !== "SIGINT") fail(`npm start ended with ${code} after SIGINT`);
  if (!/"msg":"stopped"}/.test(output) && !/\bstopped\s*$/m.test(output))
    fail("the stack never logged that it stopped");
  const stillAnswering = await blockNumber(rpcUrl).then(
    () => true,
    () => false,
  );
  if (stillAnswering) fail("the chain still answers after the stack stopped");
  console.log(`fresh-start: stopped on SIGINT in ${((performance.now() - stopAt) / 1000).toFixed(1)} s (npm: ${code})`);
  for (const line of output.split("\n").filter((l) => l.startsWith("flexgrid: "))) console.log(`  ${line}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
