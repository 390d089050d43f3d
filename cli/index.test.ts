// The CLI's lazy loading: `--help` lists every group without loading one, running a command loads only its group,
// and the names and descriptions of the manifest are exactly what each group's module registers.
import { expect } from "chai";
import path from "node:path";
import { buildFullProgram, buildProgram } from "./index";
import { commandGroups } from "./commands";

const groupModules = ["bal", "config", "dso", "grid", "market", "subgraph"].map((name) =>
  require.resolve(path.join(__dirname, "commands", name)),
);

function forgetGroupModules(): void {
  for (const file of groupModules) delete require.cache[file];
}

function loadedGroupModules(): string[] {
  return groupModules.filter((file) => require.cache[file] !== undefined).map((file) => path.basename(file));
}

describe("flexgrid CLI loading", function () {
  this.timeout(60_000);
  it("lists every top-level command for --help without loading any command group", function () {
    forgetGroupModules();
    const program = buildProgram(["node", "flexgrid", "--help"]);
    const listed = program.commands.map((c) => c.name()).sort();
    const declared = commandGroups.flatMap((g) => Object.keys(g.commands)).sort();
    expect(listed).to.deep.equal(declared);
    expect(loadedGroupModules()).to.deep.equal([]);
  });

  it("loads only the group of the command being run", function () {
    forgetGroupModules();
    const program = buildProgram(["node", "flexgrid", "grid", "solve", "case9.m"]);
    expect(loadedGroupModules()).to.deep.equal(["grid.ts"]);
    const grid = program.commands.find((c) => c.name() === "grid")!;
    expect(grid.commands.map((c) => c.name())).to.include("solve");
  });

  it("declares exactly the top-level commands and descriptions that the groups register", function () {
    const full = buildFullProgram();
    const registered = Object.fromEntries(full.commands.map((c) => [c.name(), c.description()]));
    const declared = Object.fromEntries(commandGroups.flatMap((g) => Object.entries(g.commands)));
    expect(registered).to.deep.equal(declared);
  });
});
