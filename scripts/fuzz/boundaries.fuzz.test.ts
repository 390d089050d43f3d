// `npm run test:fuzz` (and part of `npm test`): every external boundary fed hostile input; FUZZ_RUNS inputs each
// (default 400 here, where CI time is counted; run more with FUZZ_RUNS=20000 npm run test:fuzz).
import { expect } from "chai";
import {
  ackBoundary,
  balPacketBoundary,
  configBoundary,
  flexgridCaseBoundary,
  matpowerCaseBoundary,
  pandapowerCaseBoundary,
  profileCsvBoundary,
  scadaCsvBoundary,
  setpointBoundary,
  topicBoundary,
} from "./boundaries";
import { formatReports, fuzzBoundary, type Boundary, type FuzzReport } from "./harness";

const runs = Number(process.env.FUZZ_RUNS ?? 400);

describe(`hostile input at every boundary (${runs} inputs each)`, function () {
  this.timeout(300_000);
  const reports: FuzzReport[] = [];
  after(() => console.log(`\n${formatReports(reports)}\n`));

  const cases: [string, () => Promise<Boundary<never>> | Boundary<never>][] = [
    [
      "the BAL refuses every malformed or forged packet with a reason and accepts no forgery",
      () => balPacketBoundary as Boundary<never>,
    ],
    [
      "the topic parser refuses every topic that is not flexgrid/<pod>/<channel>",
      () => topicBoundary as Boundary<never>,
    ],
    [
      "a Light Node accepts only setpoints the DSO oracle signed",
      async () => (await setpointBoundary()) as Boundary<never>,
    ],
    ["a Light Node refuses malformed acknowledgements", () => ackBoundary as Boundary<never>],
    [
      "the MATPOWER importer refuses broken case files by line, never crashes",
      () => matpowerCaseBoundary as Boundary<never>,
    ],
    [
      "the FlexGrid JSON importer refuses broken models by field, never crashes",
      () => flexgridCaseBoundary as Boundary<never>,
    ],
    ["the pandapower importer refuses broken networks, never crashes", () => pandapowerCaseBoundary as Boundary<never>],
    ["calibration refuses a broken SCADA CSV by row", () => scadaCsvBoundary as Boundary<never>],
    ["`grid day` refuses a broken profile CSV by line and column", () => profileCsvBoundary as Boundary<never>],
    ["the configuration refuses bad environment values by name", () => configBoundary as Boundary<never>],
  ];
  for (const [title, make] of cases)
    it(title, async () => {
      const boundary = await make();
      const report = await fuzzBoundary(boundary, runs);
      reports.push(report);
      expect(report.failures.slice(0, 5), report.boundary).to.deep.equal([]);
      expect(report.refused, "the inputs must reach the refusal paths").to.be.greaterThan(runs / 4);
    });
});
