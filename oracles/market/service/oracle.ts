// The market oracle: after gate closure it clears each session and posts the awards with the input hash to
// FlexMarket, then seals. Idempotent and restartable: what to do is derived from chain state (a sealed session
// is done; a half-posted one is completed, never re-posted), so a restart or a second instance never posts twice.
import type { Hex } from "viem";
import type { Logger } from "../../../protocol";
import { bookHash, clearBook } from "../clearing";
import type { Book, ClearingResult } from "../clearing/types";
import { toAwardInputs, type AwardInput } from "../chain/awards";
import type { ResultsPort, SessionSource } from "./ports";

export interface PreparedResult {
  inputHash: Hex;
  result: ClearingResult;
  awards: AwardInput[];
}

/** Clears a book and puts the result in FlexMarket's form: deterministic, so anyone can re-run it. */
export async function prepareResult(book: Book): Promise<PreparedResult> {
  const result = await clearBook(book);
  return { inputHash: bookHash(book), result, awards: toAwardInputs(book, result) };
}

export interface TickReport {
  posted: { sessionId: bigint; txHash: Hex; awards: number }[];
  alreadyPosted: bigint[];
}

export class MarketOracle {
  constructor(
    private readonly deps: { sessions: SessionSource; results: ResultsPort; now: () => number; log: Logger },
  ) {}

  /** One pass: every closed session without a sealed result gets one. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { posted: [], alreadyPosted: [] };
    for (const session of await this.deps.sessions.closedSessions(this.deps.now())) {
      const existing = await this.deps.results.resultOf(session.sessionId);
      if (existing?.sealed) {
        // UNFINISHED: after a successful challenge FlexMarket has no way to post a corrected result; the
        // session stays unsettleable and needs the operator (and a FlexMarket re-clearing entry point).
        if (existing.voided) this.deps.log.warn({ sessionId: session.sessionId.toString() }, "result voided");
        report.alreadyPosted.push(session.sessionId);
        continue;
      }
      const prepared = await prepareResult(session.book);
      try {
        const txHash = await this.deps.results.post(session.sessionId, prepared.inputHash, prepared.awards);
        report.posted.push({ sessionId: session.sessionId, txHash, awards: prepared.awards.length });
        this.deps.log.info(
          { sessionId: session.sessionId.toString(), txHash, awards: prepared.awards.length },
          "posted clearing result",
        );
      } catch (error) {
        // Another instance may have sealed between our read and our write: the chain decides.
        if ((await this.deps.results.resultOf(session.sessionId))?.sealed) {
          report.alreadyPosted.push(session.sessionId);
          continue;
        }
        throw error;
      }
    }
    return report;
  }
}
