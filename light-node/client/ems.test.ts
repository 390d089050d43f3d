// Setpoint forwarding to an EMS over REST (Modbus is covered end to end with the meter simulator).
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import express from "express";
import { keccak256 } from "viem";
import { loadMeterMap } from "../meter/registerMap";
import { createEmsLink } from "./ems";

describe("createEmsLink (rest)", () => {
  const setpoint = {
    setpointId: keccak256("0x01"),
    pod: "IT002E61899978",
    windowStartMs: 0,
    slots: Array.from({ length: 16 }, (_, i) => ({ pW: i * 1000, qVar: 0 })),
    dsoSentMs: 1,
    signature: "0x" as `0x${string}`,
  };

  it("posts the schedule and returns the EMS's own receipt time, and probes the endpoint", async () => {
    const received: unknown[] = [];
    const app = express().use(express.json());
    app.post("/setpoints", (req, res) => {
      received.push(req.body);
      res.json({ receivedMs: 12345 });
    });
    app.get("/setpoints", (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0);
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/setpoints`;
    const ems = createEmsLink({ kind: "rest", url, timeoutMs: 2000 }, loadMeterMap());
    try {
      expect(await ems.probe()).to.equal(true);
      expect(await ems.send({ setpoint, slotIndex: 3, commandSeq: 9 })).to.equal(12345);
      expect(received[0]).to.deep.include({ setpointId: setpoint.setpointId, slotIndex: 3, commandSeq: 9 });
    } finally {
      server.close();
    }
  });

  it("fails when the EMS answers with an error, and probes false when it is gone", async () => {
    const app = express();
    app.post("/x", (_req, res) => void res.status(503).end());
    const server = app.listen(0);
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as AddressInfo).port;
    const ems = createEmsLink({ kind: "rest", url: `http://127.0.0.1:${port}/x`, timeoutMs: 2000 }, loadMeterMap());
    let error: unknown;
    try {
      await ems.send({ setpoint, slotIndex: 0, commandSeq: 1 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/HTTP 503/);
    await new Promise((r) => server.close(r));
    expect(await ems.probe()).to.equal(false);
  });
});
