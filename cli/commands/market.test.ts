// `flexgrid market clear`: the Tor di Valle book printed as JSON and as text.
import { TOR_DI_VALLE_SCENARIO } from "../../protocol";
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildProgram } from "../index";

const TOR_DI_VALLE = TOR_DI_VALLE_SCENARIO;

async function run(args: string[]): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    const argv = ["node", "flexgrid", ...args];
    await buildProgram(argv).exitOverride().parseAsync(argv);
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}

describe("flexgrid market clear", function () {
  it("prints the awards as JSON with the input hash", async function () {
    const out = JSON.parse(await run(["market", "clear", TOR_DI_VALLE, "--json"])) as {
      inputHash: string;
      awards: { pod: string; powerW: number; paymentMicroEur: number }[];
    };
    expect(out.inputHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(out.awards.map((a) => [a.pod, a.powerW, a.paymentMicroEur])).to.deep.equal([
      ["IT002E61899978", -1_000_000, 30_000_000],
      ["IT002E60974469", -376_741, 11_302_230],
      ["IT002E60550189", 271_748, 19_022_360],
    ]);
  });

  it("prints a readable table in kW and EUR, pay-as-bid on request", async function () {
    const out = await run(["market", "clear", TOR_DI_VALLE, "--pay-as-bid"]);
    expect(out).to.contain("pay-as-bid");
    expect(out).to.match(/IT002E61899978\s+-1000\.000 kW .* paid 0\.01 EUR\/kW = 10\.00 EUR/);
    expect(out).to.contain("total paid 40.32459 EUR");
  });
});

describe("flexgrid market settle", function () {
  it("settles from certified readings only and exports the day's totals as CSV", async function () {
    const slotStartMs = Date.parse("2021-06-23T10:30:00Z");
    const reading = (timestampMs: number, activePowerW: number, sequence: number) => ({
      pod: "IT002E61899978",
      timestampMs,
      sequence,
      activePowerW,
      reactivePowerVar: 0,
      importedEnergyWh: 0,
      exportedEnergyWh: 0,
      meterStatus: 0,
    });
    const input = {
      awards: [
        {
          sessionId: "1",
          awardIndex: 0,
          pod: "IT002E61899978",
          slot: 50,
          slotStartMs,
          powerW: -1_000_000,
          paymentMicroEur: 30_000_000,
        },
      ],
      baselinesW: { IT002E61899978: { "50": 2_278_545 } },
      // The uncertified reading would show full delivery; the certified one shows 600 kW (60 %, outside ±30 %).
      readings: [
        { measurement: reading(slotStartMs + 60_000, 1_278_545, 1), certified: false },
        { measurement: reading(slotStartMs + 120_000, 1_678_545, 2), certified: true },
      ],
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), "flexgrid-settle-"));
    const file = path.join(dir, "input.json");
    writeFileSync(file, JSON.stringify(input));
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => chunks.push(chunk) > 0) as typeof process.stdout.write;
    try {
      await run(["market", "settle", file, "--period", "day"]);
    } finally {
      process.stdout.write = write;
    }
    const [header, row] = chunks.join("").trim().split("\n");
    expect(header.split(",").slice(0, 3)).to.deep.equal(["period", "pod", "awards"]);
    // 600 kW of 1,000: paid 30 × 0.6 = 18 EUR, penalty 30 × 50 % = 15 EUR; energy = kW × 15 min.
    expect(row).to.equal("2021-06-23,IT002E61899978,1,250000,150000,6000,30000000,18000000,15000000,18000000,15000000");
  });
});
