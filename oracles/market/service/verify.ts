// `market verify`: re-runs a session's clearing from its book and compares with what was posted on chain:
// the input hash, every award, and the unavailability list that shields rejections from challenges.
import { hashAwards } from "../chain/encoding";
import { prepareResult } from "./oracle";
import type { ResultsPort, SessionSource } from "./ports";

export interface VerifyReport {
  sessionId: bigint;
  ok: boolean;
  posted: boolean;
  voided: boolean;
  inputHashMatches: boolean;
  awardsMatch: boolean;
  unavailableMatches: boolean;
  differences: string[];
}

const awardText = (a: {
  requestId: bigint;
  offerId: bigint;
  stepIndex: number;
  podId: string;
  slot: number;
  powerW: bigint;
  paymentMicroEur: bigint;
}) =>
  `request ${a.requestId} offer ${a.offerId} step ${a.stepIndex} pod ${a.podId} slot ${a.slot}: ${a.powerW} W, ${a.paymentMicroEur} µEUR`;

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
    unavailableMatches: false,
    differences: [],
  };
  const posted = await deps.results.resultOf(sessionId);
  const session = await deps.sessions.session(sessionId);
  if (!posted) report.differences.push("no result posted for this session");
  if (!session) report.differences.push("no book found for this session");
  if (!posted || !session) return report;
  report.posted = true;
  report.voided = posted.voided;
  if (posted.voided) report.differences.push(`round ${posted.round} was voided by a challenge`);

  const expected = await prepareResult(session.book);
  report.inputHashMatches = expected.inputHash === posted.inputHash;
  if (!report.inputHashMatches)
    report.differences.push(`input hash: posted ${posted.inputHash}, book gives ${expected.inputHash}`);

  report.awardsMatch = expected.awardsHash === posted.awardsHash && hashAwards(posted.awards) === posted.awardsHash;
  if (!report.awardsMatch) {
    const want = new Set(expected.awards.map(awardText));
    const got = new Set(posted.awards.map(awardText));
    for (const a of want) if (!got.has(a)) report.differences.push(`missing award: ${a}`);
    for (const a of got) if (!want.has(a)) report.differences.push(`unexpected award: ${a}`);
    if (report.differences.length === 0) report.differences.push("awards posted in another order");
  }
  const text = (u: { podId: string; slot: number; operator: number }) => `${u.podId}|${u.slot}|${u.operator}`;
  const wantU = expected.unavailable.map(text).sort().join(",");
  const gotU = posted.unavailable.map(text).sort().join(",");
  report.unavailableMatches = wantU === gotU;
  if (!report.unavailableMatches) report.differences.push("the posted unavailability list differs from the book's");
  report.ok = !posted.voided && report.inputHashMatches && report.awardsMatch && report.unavailableMatches;
  return report;
}
