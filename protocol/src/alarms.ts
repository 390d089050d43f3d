// Oracle alarms: what a service could not do (a session it could not plan or post, an award it could not check, a
// packet it could not read), as records a person or the dApp can list, instead of a pass that stops for everyone.
// One record per subject: raising it again updates it (no flood from a loop retrying every few seconds), resolving
// it marks it cleared once the subject goes through.
import { writeFileSync, renameSync, mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "./logger";

export const oracleAlarmSchema = z.object({
  /** The service that raised it ("dso-oracle", "market-oracle"). */
  source: z.string().min(1),
  /** Stable id of the subject: "session:3", "session:3:award:2", "scd-packet:17". */
  key: z.string().min(1),
  severity: z.enum(["warning", "error"]),
  /** What went wrong and what it means for the market, in words a DSO operator reads. */
  message: z.string().min(1),
  sessionId: z.string().optional(),
  pod: z.string().optional(),
  firstSeenMs: z.number().int(),
  lastSeenMs: z.number().int(),
  /** How many passes raised it. */
  count: z.number().int().positive(),
  /** Set when the subject later went through (the record stays for the history). */
  resolvedMs: z.number().int().optional(),
});
export type OracleAlarm = z.infer<typeof oracleAlarmSchema>;

export interface AlarmInput {
  severity?: OracleAlarm["severity"];
  message: string;
  sessionId?: bigint | string;
  pod?: string;
}

export interface AlarmBookOptions {
  source: string;
  log: Logger;
  /** Called with every record list after a change (e.g. a JSON file the dApp serves). */
  sink?: (alarms: OracleAlarm[]) => void;
  now?: () => number;
  /** Resolved records kept for the history (oldest dropped first). */
  keepResolved?: number;
}

export class AlarmBook {
  private readonly records = new Map<string, OracleAlarm>();
  private readonly now: () => number;

  constructor(private readonly options: AlarmBookOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Raises (or refreshes) the alarm of `key`; logs it the first time and whenever its message changes. */
  raise(key: string, input: AlarmInput): OracleAlarm {
    const now = this.now();
    const old = this.records.get(key);
    const active = old && old.resolvedMs === undefined ? old : undefined;
    const record: OracleAlarm = {
      source: this.options.source,
      key,
      severity: input.severity ?? "error",
      message: input.message,
      ...(input.sessionId !== undefined ? { sessionId: String(input.sessionId) } : {}),
      ...(input.pod !== undefined ? { pod: input.pod } : {}),
      firstSeenMs: active?.firstSeenMs ?? now,
      lastSeenMs: now,
      count: (active?.count ?? 0) + 1,
    };
    this.records.delete(key);
    this.records.set(key, record);
    if (!active || active.message !== record.message) {
      const fields = { alarm: key, sessionId: record.sessionId, pod: record.pod };
      if (record.severity === "error") this.options.log.error(fields, record.message);
      else this.options.log.warn(fields, record.message);
    }
    this.changed();
    return record;
  }

  /** Marks the alarm of `key` resolved (no-op when none is active). */
  resolve(key: string): void {
    const record = this.records.get(key);
    if (!record || record.resolvedMs !== undefined) return;
    record.resolvedMs = this.now();
    this.options.log.info({ alarm: key }, "alarm resolved");
    this.prune();
    this.changed();
  }

  /** Resolves every active alarm whose key starts with `prefix` (a session that went through clears its items). */
  resolveAll(prefix: string): void {
    for (const key of [...this.records.keys()]) if (key.startsWith(prefix)) this.resolve(key);
  }

  active(): OracleAlarm[] {
    return [...this.records.values()].filter((r) => r.resolvedMs === undefined);
  }

  list(): OracleAlarm[] {
    return [...this.records.values()];
  }

  private prune(): void {
    const keep = this.options.keepResolved ?? 200;
    const resolved = [...this.records.values()].filter((r) => r.resolvedMs !== undefined);
    for (const r of resolved.slice(0, Math.max(0, resolved.length - keep))) this.records.delete(r.key);
  }

  private changed(): void {
    this.options.sink?.(this.list());
  }
}

/** A sink writing the alarm list as one JSON file (replaced atomically), e.g. `<data dir>/alarms/dso-oracle.json`. */
export function jsonFileAlarmSink(file: string): (alarms: OracleAlarm[]) => void {
  mkdirSync(path.dirname(file), { recursive: true });
  return (alarms) => {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ updatedMs: Date.now(), alarms }, null, 2));
    renameSync(tmp, file);
  };
}
