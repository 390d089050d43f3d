// The market oracle: after gate closure it clears each session and posts the result with its input hash.
// Idempotent and restartable: what to do is derived from chain state (a session with a live result is done),
// so a restart or a second instance never posts twice.
import type { Hex } from "viem";
import type { Logger } from "../../../protocol";
import { bookHash, clearBook } from "../clearing";
import type { Book, ClearingResult } from "../clearing/types";
import { hashAwards, type ChainAward, type ChainUnavailability } from "../chain/encoding";
import { toChainAwards, unavailablePodSlots } from "../chain/results";
import type { ResultsPort, SessionSource } from "./ports";

export interface PreparedResult {
  inputHash: Hex;
  result: ClearingResult;
  awards: ChainAward[];
  awardsHash: Hex;
  unavailable: ChainUnavailability[];
}

/** Clears a book and puts the result in its on-chain form: deterministic, so anyone can re-run it. */
export async function prepareResult(book: Book): Promise<PreparedResult> {
  const result = await clearBook(book);
  const awards = toChainAwards(book, result);
  return {
    inputHash: bookHash(book),
    result,
    awards,
    awardsHash: hashAwards(awards),
    unavailable: unavailablePodSlots(book, result),
  };
}

export interface TickReport {
  posted: { sessionId: bigint; txHash: Hex; awards: number }[];
  alreadyPosted: bigint[];
}

export class MarketOracle {
  constructor(
    private readonly deps: { sessions: SessionSource; results: ResultsPort; now: () => number; log: Logger },
  ) {}

  /** One pass: every closed session without a live result gets one. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { posted: [], alreadyPosted: [] };
    for (const session of await this.deps.sessions.closedSessions(this.deps.now())) {
      const existing = await this.deps.results.resultOf(session.sessionId);
      if (existing && !existing.voided) {
        report.alreadyPosted.push(session.sessionId);
        continue;
      }
      const prepared = await prepareResult(session.book);
      try {
        const txHash = await this.deps.results.post(
          session.sessionId,
          prepared.inputHash,
          prepared.awards,
          prepared.unavailable,
        );
        report.posted.push({ sessionId: session.sessionId, txHash, awards: prepared.awards.length });
        this.deps.log.info(
          { sessionId: session.sessionId.toString(), txHash, awards: prepared.awards.length },
          "posted clearing result",
        );
      } catch (error) {
        // Another instance may have posted between our read and our write: the chain decides.
        const now = await this.deps.results.resultOf(session.sessionId);
        if (now && !now.voided) {
          report.alreadyPosted.push(session.sessionId);
          continue;
        }
        throw error;
      }
    }
    return report;
  }
}
