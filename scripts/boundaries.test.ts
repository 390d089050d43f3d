// The parts' import boundaries (eslint.config.mjs, `no-restricted-imports`): each forbidden import is a lint error
// with its reason, and the imports each part needs stay allowed. Lints snippets as if they were files of each part.
import { expect } from "chai";
import { ESLint } from "eslint";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

async function restrictedImportMessages(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const forbidden: [string, string, RegExp][] = [
  ["oracles/grid/probe.ts", 'import { packetHash } from "../../protocol";', /pure physics/],
  ["oracles/grid/sub/probe.ts", 'import { verifyPacket } from "../../../protocol/src/packets";', /pure physics/],
  ["oracles/grid/probe.ts", 'import { ScdStore } from "../bal/scd/scdStore";', /service code/],
  ["oracles/grid/probe.ts", 'import type { FlexMarket } from "../../typechain-types";', /service code/],
  ["oracles/grid/probe.ts", 'import { JsonRpcProvider } from "ethers";', /no chain, broker or database/],
  ["oracles/grid/probe.ts", 'import mqtt from "mqtt";', /no chain, broker or database/],
  ["light-node/client/probe.ts", 'import { ScdStore } from "../../oracles/bal/scd/scdStore";', /device/],
  ["light-node/probe.ts", 'import { GridStudy } from "../oracles/dso/core/gridStudy";', /device/],
  ["oracles/dso/core/probe.ts", 'import { clearBook } from "../../market/clearing";', /meet only on chain/],
  [
    "oracles/market/service/probe.ts",
    'import { validateAwards } from "../../dso/core/validation";',
    /meet only on chain/,
  ],
  ["protocol/src/probe.ts", 'import { solvePowerFlow } from "../../oracles/grid/powerflow";', /depends on none/],
  ["dapp/src/probe.tsx", 'import { ScdStore } from "../../oracles/bal/scd/scdStore";', /never imports service code/],
];

const allowed: [string, string][] = [
  ["oracles/grid/probe.ts", 'import { compileNetwork } from "./compile";'],
  ["oracles/grid/probe.ts", 'import { z } from "zod";'],
  ["oracles/grid/probe.ts", 'import { FlexGridError } from "../../core/errors";'],
  ["oracles/dso/core/probe.ts", 'import { solvePowerFlow } from "../../grid/powerflow";'],
  ["oracles/market/service/probe.ts", 'import { packetHash } from "../../../protocol";'],
  ["light-node/probe.ts", 'import { signPacket } from "../protocol";'],
];

describe("import boundaries between the parts (eslint no-restricted-imports)", function () {
  this.timeout(120_000);

  for (const [file, code, reason] of forbidden)
    it(`refuses in ${file}: ${code}`, async function () {
      const messages = await restrictedImportMessages(file, code);
      expect(messages, `no boundary error for ${code} in ${file}`).to.have.length(1);
      expect(messages[0]).to.match(reason);
    });

  for (const [file, code] of allowed)
    it(`allows in ${file}: ${code}`, async function () {
      expect(await restrictedImportMessages(file, code)).to.deep.equal([]);
    });
});
