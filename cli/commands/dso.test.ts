// Runs `flexgrid dso …` on the Tor di Valle demo through commander and checks what the operator reads.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerDsoCommands } from "./dso";
import { runCommands } from "./runCommands";

const run = (...args: string[]) => runCommands(registerDsoCommands, ...args);

describe("flexgrid dso (Tor di Valle demo)", function () {
  it("detect prints the Mostacciano overload as the seeds' alarm list does", async function () {
    expect(await run("dso", "detect")).to.match(/^slot 50: overload on MOS\/head: 259\.\d\d A \(limit 212\.80 A\)$/);
  });

  it("request prints a downward request on the three Mostacciano PoDs", async function () {
    const out = await run("dso", "request");
    expect(out).to.match(/slot 50: down \d+ kW on IT002E60974469, IT002E60976796, IT002E61899978/);
  });

  it("validate cuts the cleared TSO award on Nanchino and names the spur, also from an awards file", async function () {
    const out = await run("dso", "validate");
    expect(out).to.match(/award 2 IT002E60550189 slot 50: PARTIAL \d+\/271 kW — slot 50: overload on NAN\/spur-12157/);
    const file = join(mkdtempSync(join(tmpdir(), "dso-")), "awards.json");
    writeFileSync(
      file,
      JSON.stringify([{ awardIndex: 7, pod: "IT002E60499620", slot: 50, direction: "up", quantityKw: 100 }]),
    );
    expect(await run("dso", "validate", "--awards", file)).to.equal("award 7 IT002E60499620 slot 50: OK 100/100 kW");
  });

  it("validate rejects a malformed awards file naming the field", async function () {
    const file = join(mkdtempSync(join(tmpdir(), "dso-")), "awards.json");
    writeFileSync(file, JSON.stringify([{ awardIndex: 0, pod: "X", slot: 120, direction: "sideways", quantityKw: 1 }]));
    try {
      await run("dso", "validate", "--awards", file);
      expect.fail("expected a validation error");
    } catch (error) {
      expect((error as Error).message)
        .to.match(/0\.slot/)
        .and.match(/0\.direction/);
    }
  });
});
