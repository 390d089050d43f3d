// What the market oracle needs from the outside world, as interfaces: the sessions whose gate has closed (with
// their books) and the on-chain clearing results. The chain and file implementations live beside this file.
import type { Hex } from "viem";
import type { Book } from "../clearing/types";
import type { ChainAward, ChainUnavailability } from "../chain/encoding";

export interface ClosedSession {
  sessionId: bigint;
  gateClosureMs: number;
  book: Book;
}

export interface SessionSource {
  /** Sessions whose gate closed at or before `nowMs`, with the book as it stood at gate closure. */
  closedSessions(nowMs: number): Promise<ClosedSession[]>;
  /** One session's book, wherever its gate stands (for `market verify`); null when unknown. */
  session(sessionId: bigint): Promise<ClosedSession | null>;
}

export interface PostedResult {
  inputHash: Hex;
  awardsHash: Hex;
  postedAtS: number;
  round: number;
  voided: boolean;
  /** The data of the current round, from the ClearingResultPosted event. */
  awards: ChainAward[];
  unavailable: ChainUnavailability[];
}

export interface ResultsPort {
  /** The session's current result, or null when none was posted. */
  resultOf(sessionId: bigint): Promise<PostedResult | null>;
  /** Posts a result; resolves to the transaction hash. */
  post(sessionId: bigint, inputHash: Hex, awards: ChainAward[], unavailable: ChainUnavailability[]): Promise<Hex>;
}
