// The BAL commands are registered and their help says what they check.
import { expect } from "chai";
import { Command } from "commander";
import { registerBalCommands } from "./bal";

describe("flexgrid verify / bal", () => {
  it("registers verify and the bal operator commands with descriptions", () => {
    const program = new Command("flexgrid");
    registerBalCommands(program);
    const verify = program.commands.find((c) => c.name() === "verify");
    expect(verify?.description()).to.match(/anchored.*proof.*key.*signature/);
    const bal = program.commands.find((c) => c.name() === "bal");
    expect(bal?.commands.map((c) => c.name())).to.include.members([
      "add-device",
      "mosquitto-acl",
      "status",
      "rejections",
      "light-nodes",
      "anomalies",
    ]);
    for (const c of bal!.commands) expect(c.description()).to.not.equal("");
  });
});
