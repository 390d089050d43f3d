// The market oracle: after gate closure it clears each session and posts the awards with the input hash to
// FlexMarket, then seals. Idempotent and restartable: what to do is derived from chain state (a sealed session
// is done; a half-posted one is completed, never re-posted), so a restart or a second instance never posts twice.
// A session that fails is an alarm and never blocks the sessions after it.
import type { Hex } from "viem";
import { AlarmBook, type Logger } from "../../../protocol";
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
  /** Sessions this pass could not clear or post (each an alarm); the others went through. */
  failed: { sessionId: bigint; error: string }[];
}

export interface MarketOracleDeps {
  sessions: SessionSource;
  results: ResultsPort;
  now: () => number;
  log: Logger;
  /** Where failures are reported (default: a book of its own, logged). */
  alarms?: AlarmBook;
}

export class MarketOracle {
  readonly alarms: AlarmBook;
  /** Sessions known sealed: never read again (a pass costs only the sessions still to clear). */
  private readonly sealed = new Set<bigint>();

  constructor(private readonly deps: MarketOracleDeps) {
    this.alarms = deps.alarms ?? new AlarmBook({ source: "market-oracle", log: deps.log });
  }

  /**
   * One pass: every closed session without a sealed result gets one. Each session is isolated: one whose book
   * cannot be built or whose result reverts raises an alarm and is retried next pass; later sessions go on.
   */
  async tick(): Promise<TickReport> {
    const report: TickReport = { posted: [], alreadyPosted: [], failed: [] };
    for (const sessionId of await this.deps.sessions.closedSessionIds(this.deps.now())) {
      if (this.sealed.has(sessionId)) {
        report.alreadyPosted.push(sessionId);
        continue;
      }
      const key = `session:${sessionId}`;
      try {
        await this.clearSession(sessionId, report);
        this.alarms.resolve(key);
      } catch (error) {
        const message = String((error as Error)?.message ?? error);
        report.failed.push({ sessionId, error: message });
        this.alarms.raise(key, { message: `session ${sessionId} not cleared: ${message}`, sessionId });
      }
    }
    return report;
  }

  private async clearSession(sessionId: bigint, report: TickReport): Promise<void> {
    const existing = await this.deps.results.resultOf(sessionId);
    if (existing?.sealed) {
      // UNFINISHED: after a successful challenge FlexMarket has no way to post a corrected result; the
      // session stays unsettleable and needs the operator (and a FlexMarket re-clearing entry point).
      if (existing.voided) this.deps.log.warn({ sessionId: sessionId.toString() }, "result voided");
      else this.sealed.add(sessionId);
      report.alreadyPosted.push(sessionId);
      return;
    }
    const session = await this.deps.sessions.session(sessionId);
    if (!session) throw new Error("no book for this session");
    const missing = session.withoutBaseline ?? [];
    if (missing.length > 0)
      this.alarms.raise(`session:${sessionId}:baselines`, {
        severity: "warning",
        message: `session ${sessionId}: ${missing.join(", ")} committed no baseline for the day and take no part in it`,
        sessionId,
      });
    const prepared = await prepareResult(session.book);
    try {
      const txHash = await this.deps.results.post(sessionId, prepared.inputHash, prepared.awards);
      this.sealed.add(sessionId);
      report.posted.push({ sessionId, txHash, awards: prepared.awards.length });
      this.deps.log.info(
        { sessionId: sessionId.toString(), txHash, awards: prepared.awards.length },
        "posted clearing result",
      );
    } catch (error) {
      // Another instance may have sealed between our read and our write: the chain decides.
      if ((await this.deps.results.resultOf(sessionId))?.sealed) {
        this.sealed.add(sessionId);
        report.alreadyPosted.push(sessionId);
        return;
      }
      throw error;
    }
  }
}
