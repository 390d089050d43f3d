// The manifest renderer: addresses, start blocks and the network name come from the address book, a contract missing
// from it stops the render (a graph-node must never watch the zero address), templates carry no address.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { dataSources } from "../datasources";
import { renderManifest } from "../scripts/render";

interface Rendered {
  dataSources: { name: string; network: string; source: { address: string; startBlock: number } }[];
  templates: { name: string; network: string; source: Record<string, unknown> }[];
}

describe("subgraph manifest rendering", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "subgraph-render-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const book = (names: string[]) =>
    writeFileSync(
      path.join(dir, "besu.json"),
      JSON.stringify({
        network: "flexgrid-besu",
        chainId: 1337,
        deployer: "0x00000000000000000000000000000000000000d0",
        contracts: Object.fromEntries(
          names.map((name, i) => [
            name,
            { address: `0x${(i + 1).toString(16).padStart(40, "0")}`, blockNumber: 10 + i },
          ]),
        ),
      }),
    );

  it("takes every address, start block and the network name from the address book", () => {
    const names = dataSources.map((d) => d.name);
    book(names);
    renderManifest({ network: "besu", deploymentsDir: dir, outDir: dir });
    const manifest = parse(readFileSync(path.join(dir, "subgraph.yaml"), "utf8")) as Rendered;
    expect(manifest.dataSources.map((d) => [d.name, d.network, d.source.address, d.source.startBlock])).to.deep.equal(
      names.map((name, i) => [name, "flexgrid-besu", `0x${(i + 1).toString(16).padStart(40, "0")}`, 10 + i]),
    );
    expect(manifest.templates.map((t) => [t.name, t.network, t.source])).to.deep.equal([
      ["RemunerationScheme", "flexgrid-besu", { abi: "RemunerationScheme" }],
    ]);
  });

  it("refuses a book that lacks a watched contract instead of rendering the zero address", () => {
    book(dataSources.map((d) => d.name).filter((name) => name !== "Settlement"));
    expect(() => renderManifest({ network: "besu", deploymentsDir: dir, outDir: dir })).to.throw(
      /Settlement is not in the besu address book/,
    );
  });

  it("refuses a network without a book, unless placeholders are asked for (the local runner's build)", () => {
    expect(() => renderManifest({ network: "nowhere", deploymentsDir: dir, outDir: dir })).to.throw(/no address book/);
    renderManifest({ network: "nowhere", deploymentsDir: dir, outDir: dir, placeholderAddresses: true });
    const manifest = parse(readFileSync(path.join(dir, "subgraph.yaml"), "utf8")) as Rendered;
    expect(new Set(manifest.dataSources.map((d) => d.source.address))).to.deep.equal(
      new Set(["0x0000000000000000000000000000000000000000"]),
    );
  });
});
