// What the market oracle needs from the outside world, as interfaces: the sessions whose gate has closed (with
// their books) and the results on FlexMarket. The chain and file implementations live beside this file.
import type { Hex } from "viem";
import type { Book } from "../clearing/types";
import type { AwardInput } from "../chain/awards";

export interface ClosedSession {
  sessionId: bigint;
  gateClosureMs: number;
  book: Book;
  /**
   * Registered PoDs left out of the book because they committed no baseline for the day: without one a PoD's
   * delivery (baseline − measured) cannot be settled, so it takes no part in that day's market (see README).
   */
  withoutBaseline?: string[];
}

export interface SessionSource {
  /** Ids of the sessions whose gate closed at or before `nowMs` (cheap: no book is built). */
  closedSessionIds(nowMs: number): Promise<bigint[]>;
  /**
   * One session's book as it stood at gate closure (what was committed then, whatever changed since), or as it
   * stands now while the gate is open; null when unknown.
   */
  session(sessionId: bigint): Promise<ClosedSession | null>;
}

export interface PostedResult {
  inputHash: Hex;
  /** Awards posted so far, in posting order. */
  awards: AwardInput[];
  /** Sealed (Cleared or later): nothing more can be posted. */
  sealed: boolean;
  /** A merit-order challenge voided it. */
  voided: boolean;
}

export interface ResultsPort {
  /** The session's result, or null when no award was posted yet. */
  resultOf(sessionId: bigint): Promise<PostedResult | null>;
  /** Posts the awards not posted yet and seals; resolves to the last transaction hash. */
  post(sessionId: bigint, inputHash: Hex, awards: AwardInput[]): Promise<Hex>;
}
