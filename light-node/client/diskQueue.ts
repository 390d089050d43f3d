// On-disk store-and-forward queue: an append-only JSONL file plus a cursor file holding how many entries were
// delivered. Survives broker outages and node restarts; entries come out in the order they went in.
// Indexes are absolute (never reused): the file's first line records the index of its first entry, so compaction
// (rewrite without the delivered prefix, atomic rename) never renumbers anything.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface QueueEntry<T> {
  index: number;
  item: T;
}

export class DiskQueue<T> {
  private readonly _file: string;
  private readonly _cursorFile: string;
  private _items: T[] = [];
  /** absolute index of _items[0] */
  private _base = 0;
  /** absolute count of delivered entries */
  private _delivered = 0;

  constructor(
    dir: string,
    name = "queue",
    /** compact once this many delivered entries sit in the file */
    private readonly compactAfter = 1000,
  ) {
    mkdirSync(dir, { recursive: true });
    this._file = path.join(dir, `${name}.jsonl`);
    this._cursorFile = path.join(dir, `${name}.cursor`);
    this.load();
  }

  private load(): void {
    if (!existsSync(this._file)) {
      writeFileSync(this._file, JSON.stringify({ base: 0 }) + "\n");
    } else {
      const lines = readFileSync(this._file, "utf8").split("\n");
      this._base = (JSON.parse(lines[0] || '{"base":0}') as { base: number }).base;
      for (const line of lines.slice(1)) {
        if (line.trim() === "") continue;
        try {
          this._items.push(JSON.parse(line) as T);
        } catch {
          // a torn last line from a crash mid-append: that entry was never handed to anyone, drop it
          break;
        }
      }
    }
    const stored = existsSync(this._cursorFile) ? Number(readFileSync(this._cursorFile, "utf8").trim()) : 0;
    this._delivered = Math.min(
      Math.max(Number.isSafeInteger(stored) ? stored : 0, this._base),
      this._base + this._items.length,
    );
  }

  /** Appends (the write reaches the OS before this returns; fsync is left to the OS for flash wear). */
  push(item: T): number {
    appendFileSync(this._file, JSON.stringify(item) + "\n");
    this._items.push(item);
    return this._base + this._items.length - 1;
  }

  get pending(): number {
    return this._base + this._items.length - this._delivered;
  }

  /** Absolute index of the first undelivered entry. */
  get cursor(): number {
    return this._delivered;
  }

  /** Up to `max` undelivered entries with index >= `from`, oldest first. */
  peek(max: number, from = this._delivered): QueueEntry<T>[] {
    const out: QueueEntry<T>[] = [];
    const end = this._base + this._items.length;
    for (let i = Math.max(from, this._delivered); i < end && out.length < max; i++)
      out.push({ index: i, item: this._items[i - this._base] });
    return out;
  }

  /** Marks every entry up to and including `index` delivered. */
  ackThrough(index: number): void {
    const delivered = Math.min(index + 1, this._base + this._items.length);
    if (delivered <= this._delivered) return;
    this._delivered = delivered;
    writeFileSync(this._cursorFile, String(this._delivered));
    if (this._delivered - this._base >= this.compactAfter) this.compact();
  }

  private compact(): void {
    const rest = this._items.slice(this._delivered - this._base);
    const tmp = `${this._file}.tmp`;
    writeFileSync(
      tmp,
      [JSON.stringify({ base: this._delivered }), ...rest.map((i) => JSON.stringify(i))].join("\n") + "\n",
    );
    renameSync(tmp, this._file);
    this._items = rest;
    this._base = this._delivered;
  }
}
