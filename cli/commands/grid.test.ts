// Runs `flexgrid grid solve` and `grid map` through commander and checks what they print.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerGridCommands } from "./grid";
import { runCommands } from "./runCommands";

const run = (...args: string[]) => runCommands(registerGridCommands, ...args);

const cases = join(__dirname, "..", "..", "oracles", "grid", "cases");

describe("flexgrid grid solve", () => {
  it("prints losses, the minimum voltage and bus and branch tables for a MATPOWER case", async () => {
    const out = await run("grid", "solve", join(cases, "case33bw.m"));
    expect(out).to.match(/losses 202\.67\d kW/);
    expect(out).to.match(/min voltage 0\.9130\d pu at bus 18/);
    expect(out).to.include("I from A");
    expect(out).to.include("no violations");
  });

  it("prints the full result as JSON with --json", async () => {
    const out = JSON.parse(await run("grid", "solve", join(cases, "case9.m"), "--json"));
    expect(out.converged).to.equal(true);
    expect(out.buses).to.have.length(9);
    expect(out.totals.lossKw).to.be.closeTo(4641, 1);
  });

  it("lists violations against the voltage limits given on the command line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "grid-cli-")), "feeder.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "one-cable",
        buses: [
          { id: "A", nominalKv: 20 },
          { id: "B", nominalKv: 20 },
        ],
        lines: [{ id: "L1", from: "A", to: "B", rOhm: 2, xOhm: 1, ampacityA: 50 }],
        loads: [{ id: "load-B", bus: "B", pKw: 2000, qKvar: 500 }],
        slacks: [{ bus: "A" }],
      }),
    );
    const loose = JSON.parse(await run("grid", "solve", file, "--json"));
    expect(loose.violations.map((v: { kind: string }) => v.kind)).to.deep.equal(["overload"]);
    const strict = JSON.parse(await run("grid", "solve", file, "--vmin", "0.99", "--json"));
    const kinds = strict.violations.map((v: { kind: string; element: string }) => `${v.kind}:${v.element}`);
    expect(kinds).to.have.members(["undervoltage:B", "overload:L1"]);
    const human = await run("grid", "solve", file, "--vmin", "0.99");
    expect(human).to.match(/undervoltage\s+B/);
  });
});
