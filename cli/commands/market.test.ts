// `flexgrid market clear`: the Tor di Valle book printed as JSON and as text.
import { TOR_DI_VALLE_SCENARIO } from "../../protocol";
import { expect } from "chai";
import { buildProgram } from "../index";

const TOR_DI_VALLE = TOR_DI_VALLE_SCENARIO;

async function run(args: string[]): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(["node", "flexgrid", ...args]);
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
