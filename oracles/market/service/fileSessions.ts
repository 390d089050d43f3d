// Sessions from a directory of JSON files ({ sessionId, gateClosureUtc, book }), one per session.
// UNFINISHED: the chain-backed SessionSource (books rebuilt from FlexMarket's offer/request/baseline events) waits
// for FlexMarket (issue 5); until then the local stack and `market verify --sessions <dir>` read these files.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseWith } from "../../../protocol";
import { parseBook } from "../clearing/book";
import type { ClosedSession, SessionSource } from "./ports";

const sessionFileSchema = z.object({
  sessionId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]),
  gateClosureUtc: z.string().datetime(),
  book: z.unknown(),
});

export class FileSessionSource implements SessionSource {
  constructor(private readonly dir: string) {}

  private read(): ClosedSession[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        const file = path.join(this.dir, f);
        const raw = parseWith(sessionFileSchema, JSON.parse(readFileSync(file, "utf8")), file);
        return {
          sessionId: BigInt(raw.sessionId),
          gateClosureMs: Date.parse(raw.gateClosureUtc),
          book: parseBook(raw.book),
        };
      });
  }

  async closedSessions(nowMs: number): Promise<ClosedSession[]> {
    return this.read().filter((s) => s.gateClosureMs <= nowMs);
  }

  async session(sessionId: bigint): Promise<ClosedSession | null> {
    return this.read().find((s) => s.sessionId === sessionId) ?? null;
  }
}
