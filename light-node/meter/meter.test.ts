// Round trip between the Modbus TCP meter simulator and the reader, and the register codecs.
import { expect } from "chai";
import { MeterSimulator } from "../meter-simulator/meterSimulator";
import { MeterReader, MeterLinkError } from "./meterReader";
import { decodeRegisters, encodeRegisters, loadMeterMap } from "./registerMap";
import { dailyProfile, profileFactor, romeSlotOf } from "./loadProfile";

describe("light-node meter", () => {
  const map = loadMeterMap();

  describe("register codecs", () => {
    it("round-trips every register type in both word orders", () => {
      const cases: [typeof map.meter.activePowerW, number][] = [
        [{ address: 0, type: "float32", scale: 1000 }, 2278.5],
        [{ address: 0, type: "int32", scale: 1 }, -1_234_567],
        [{ address: 0, type: "uint32", scale: 100 }, 4_000_000_000 * 100],
        [{ address: 0, type: "int16", scale: 1 }, -300],
        [{ address: 0, type: "uint16", scale: 1 }, 65535],
      ];
      for (const order of ["high-first", "low-first"] as const) {
        for (const [spec, value] of cases) {
          expect(decodeRegisters(spec, encodeRegisters(spec, value, order), order)).to.be.closeTo(
            value,
            1e-3 * Math.abs(value) + 1e-9,
          );
        }
      }
    });
  });

  describe("load profile", () => {
    it("peaks in the evening and bottoms out at night (Rome local time)", () => {
      const p = dailyProfile();
      expect(p).to.have.length(96);
      const peak = p.indexOf(Math.max(...p));
      expect(peak).to.be.within(68, 80); // 17:00-20:00
      expect(profileFactor(4 * 3)).to.be.below(0.4);
      // 2021-06-23 10:30 UTC = 12:30 CEST = slot 50
      expect(romeSlotOf(Date.UTC(2021, 5, 23, 10, 30))).to.equal(50);
    });
  });

  describe("simulator and reader over Modbus TCP", () => {
    let now = Date.UTC(2021, 5, 23, 10, 30);
    let sim: MeterSimulator;
    let reader: MeterReader;

    beforeEach(async () => {
      now = Date.UTC(2021, 5, 23, 10, 30);
      sim = new MeterSimulator({ peakW: 3_000_000, noise: 0, map, clock: () => now, initialImportWh: 5_000_000 });
      await sim.start();
      reader = new MeterReader({ transport: "tcp", host: "127.0.0.1", port: sim.port }, map);
    });
    afterEach(async () => {
      await reader.close();
      await sim.stop();
    });

    it("reads P, Q and counters that follow the profile", async () => {
      const r = await reader.read();
      const expectedP = 3_000_000 * profileFactor(50);
      expect(r.pW).to.be.closeTo(expectedP, 1); // float32 in kW keeps ~1 W here
      expect(r.qVar).to.be.closeTo(expectedP * Math.tan(Math.acos(0.9)), 1);
      expect(r.importWh).to.equal(5_000_000);
      expect(r.statusWord).to.equal(0);
    });

    it("integrates energy between reads at the register resolution", async () => {
      await reader.read();
      now += 15 * 60_000;
      const r = await reader.read();
      const mean = (3_000_000 * (profileFactor(50) + profileFactor(51))) / 2;
      const expected = 5_000_000 + mean / 4;
      expect(r.importWh)
        .to.be.at.most(expected)
        .and.above(expected - 100);
      expect(r.importWh % 100).to.equal(0);
    });

    it("reports the meter's status flags", async () => {
      sim.setStatusWord(0x0004);
      expect((await reader.read()).statusWord).to.equal(4);
    });

    it("writes an EMS setpoint that the simulated load then follows", async () => {
      await reader.writeSetpoint(1_500_000, 200_000, 7);
      expect(sim.setpoint).to.include({ pW: 1_500_000, qVar: 200_000, sequence: 7 });
      expect((await reader.read()).pW).to.equal(1_500_000);
    });

    it("reconnects after the meter link dropped and fails with MeterLinkError while it is down", async () => {
      await reader.read();
      await sim.stop();
      let failed: unknown;
      try {
        await reader.read();
      } catch (e) {
        failed = e;
      }
      expect(failed).to.be.instanceOf(MeterLinkError);
      await sim.start();
      expect((await reader.read()).pW).to.be.above(0);
    });
  });
});
