// `market verify`: re-runs a session's clearing from its book and compares with what FlexMarket holds: the input
// hash and every award (offer, request, slot, kW, price).
import { sortAwards, type AwardInput } from "../chain/awards";
import { prepareResult } from "./oracle";
import type { ResultsPort, SessionSource } from "./ports";

export interface VerifyReport {
  sessionId: bigint;
  ok: boolean;
  posted: boolean;
  voided: boolean;
  inputHashMatches: boolean;
  awardsMatch: boolean;
  differences: string[];
}

const awardText = (a: AwardInput) =>
  `request ${a.requestId} offer ${a.offerId} slot ${a.slotIndex}: ${a.quantityKw} kW at ${a.priceMilliEurPerKw} milli-EUR/kW`;

export async function verifySession(
  sessionId: bigint,
  deps: { sessions: SessionSource; results: ResultsPort },
): Promise<VerifyReport> {
  const report: VerifyReport = {
    sessionId,
    ok: false,
    posted: false,
    voided: false,
    inputHashMatches: false,
    awardsMatch: false,
    differences: [],
  };
  const posted = await deps.results.resultOf(sessionId);
  const session = await deps.sessions.session(sessionId);
  if (!posted) report.differences.push("no result posted for this session");
  if (!session) report.differences.push("no book found for this session");
  if (!posted || !session) return report;
  report.posted = true;
  report.voided = posted.voided;
  if (posted.voided) report.differences.push("the result was voided by a merit-order challenge");
  if (!posted.sealed) report.differences.push("the result is not sealed yet");

  const expected = await prepareResult(session.book);
  report.inputHashMatches = expected.inputHash === posted.inputHash;
  if (!report.inputHashMatches)
    report.differences.push(`input hash: posted ${posted.inputHash}, book gives ${expected.inputHash}`);
  const want = sortAwards(expected.awards).map(awardText);
  const got = sortAwards(posted.awards).map(awardText);
  report.awardsMatch = want.join("\n") === got.join("\n");
  if (!report.awardsMatch) {
    for (const a of want) if (!got.includes(a)) report.differences.push(`missing award: ${a}`);
    for (const a of got) if (!want.includes(a)) report.differences.push(`unexpected award: ${a}`);
  }
  report.ok = posted.sealed && !posted.voided && report.inputHashMatches && report.awardsMatch;
  return report;
}
