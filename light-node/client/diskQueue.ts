// On-disk store-and-forward queue: an append-only JSONL file plus a cursor file holding how many entries were
// delivered. Survives broker outages, node restarts and power loss; entries come out in the order they went in.
// Indexes are absolute (never reused): the file's first line records the index of its first entry, so compaction
// (rewrite without the delivered prefix, atomic rename) never renumbers anything.
// Durability: every append and every cursor move is fsynced before it counts (a reading acknowledged to nobody is
// still on the flash after a power cut). A torn tail left by a crash mid-append is cut off at load, so the next
// append starts a fresh line; a corrupt line elsewhere costs that line only. A full disk never throws: entries stay
// in memory (and are sent) until the disk takes them again.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
  ftruncateSync,
} from "node:fs";
import path from "node:path";

export interface QueueEntry<T> {
  index: number;
  item: T;
}

/** The file operations the queue needs (tests replace them to simulate a full disk). */
export interface QueueIo {
  /** appends `text` at the end of the open file `fd` and makes it durable */
  append(fd: number, text: string): void;
  /** writes `text` to `file` durably and atomically (temp file, fsync, rename, fsync of the directory) */
  replace(file: string, text: string): void;
}

export const durableIo: QueueIo = {
  append(fd, text) {
    writeSync(fd, text);
    fsyncSync(fd);
  },
  replace(file, text) {
    writeFileDurably(file, text);
  },
};

/** Writes a small file atomically and durably: temp file, fsync, rename, fsync of the directory. */
export function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dirFd = openSync(path.dirname(file), "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // some platforms cannot fsync a directory; the rename itself is atomic
  }
}

export interface DiskQueueStats {
  /** lines found unreadable at load (each cost its own entry only) */
  corruptLines: number;
  /** appends or cursor writes that failed (full disk, I/O error); retried */
  writeFailures: number;
}

export class DiskQueue<T> {
  private readonly _file: string;
  private readonly _cursorFile: string;
  private _fd: number;
  private _items: T[] = [];
  /** absolute index of _items[0] */
  private _base = 0;
  /** absolute count of delivered entries */
  private _delivered = 0;
  /** entries at the end of _items not yet on disk (the disk was full) */
  private _unpersisted = 0;
  /** the cursor on disk lags the one in memory (its write failed) */
  private _cursorDirty = false;
  readonly stats: DiskQueueStats = { corruptLines: 0, writeFailures: 0 };

  constructor(
    dir: string,
    name = "queue",
    /** compact once this many delivered entries sit in the file */
    private readonly compactAfter = 1000,
    private readonly io: QueueIo = durableIo,
  ) {
    mkdirSync(dir, { recursive: true });
    this._file = path.join(dir, `${name}.jsonl`);
    this._cursorFile = path.join(dir, `${name}.cursor`);
    this.load();
    this._fd = openSync(this._file, "a");
  }

  private load(): void {
    if (!existsSync(this._file)) {
      writeFileDurably(this._file, JSON.stringify({ base: 0 }) + "\n");
    } else {
      let text = readFileSync(this._file, "utf8");
      const end = text.lastIndexOf("\n") + 1;
      if (end < text.length) {
        // a torn tail from a crash mid-append: that entry was never handed to anyone; cut it so the next append
        // starts on a fresh line (glued to it, the next entry would be unreadable too)
        const fd = openSync(this._file, "r+");
        try {
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        text = text.slice(0, end);
      }
      const lines = text.split("\n");
      this._base = (JSON.parse(lines[0] || '{"base":0}') as { base: number }).base;
      const stored = existsSync(this._cursorFile) ? Number(readFileSync(this._cursorFile, "utf8").trim()) : 0;
      let delivered = Number.isSafeInteger(stored) ? stored : 0;
      let position = this._base;
      for (const line of lines.slice(1)) {
        if (line.trim() === "") continue;
        try {
          this._items.push(JSON.parse(line) as T);
          position++;
        } catch {
          // unreadable (an old torn line with an entry glued to it): lose this line only, keep every later one; it
          // takes no index, so an entry before the cursor shifts the cursor back by one
          this.stats.corruptLines++;
          if (position < delivered) delivered--;
        }
      }
      this._delivered = Math.min(Math.max(delivered, this._base), this._base + this._items.length);
      if (this.stats.corruptLines > 0) this.rewrite();
      return;
    }
    this._delivered = 0;
  }

  /** Appends; the entry is on disk (fsynced) when this returns, or kept in memory if the disk refused it. */
  push(item: T): number {
    this._items.push(item);
    this._unpersisted++;
    this.persistTail();
    return this._base + this._items.length - 1;
  }

  /** Writes the entries the disk refused so far; false while it still refuses. */
  persistTail(): boolean {
    if (this._unpersisted === 0) return true;
    const tail = this._items.slice(this._items.length - this._unpersisted);
    try {
      this.io.append(this._fd, tail.map((i) => JSON.stringify(i) + "\n").join(""));
      this._unpersisted = 0;
      return true;
    } catch {
      // nothing of a failed write counts; a partial line it may have left is cut at the next load
      this.stats.writeFailures++;
      return false;
    }
  }

  /** Entries held only in memory because the disk refused them. */
  get unpersisted(): number {
    return this._unpersisted;
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
    if (delivered <= this._delivered && !this._cursorDirty) return;
    this._delivered = Math.max(delivered, this._delivered);
    this._cursorDirty = true;
    this.persistTail();
    // the cursor may not get ahead of what is on disk (a restart would skip entries that are not there)
    if (this._unpersisted > 0) return;
    try {
      this.io.replace(this._cursorFile, String(this._delivered));
      this._cursorDirty = false;
    } catch {
      // a stale cursor only means resending what is already stored (the BAL answers "duplicate")
      this.stats.writeFailures++;
      return;
    }
    if (this._delivered - this._base >= this.compactAfter) this.compact();
  }

  private compact(): void {
    if (this._unpersisted > 0 || this._cursorDirty) return;
    const rest = this._items.slice(this._delivered - this._base);
    try {
      this.io.replace(
        this._file,
        [JSON.stringify({ base: this._delivered }), ...rest.map((i) => JSON.stringify(i))].join("\n") + "\n",
      );
    } catch {
      this.stats.writeFailures++;
      return;
    }
    closeSync(this._fd);
    this._fd = openSync(this._file, "a");
    this._items = rest;
    this._base = this._delivered;
  }

  /** Rewrites the file from memory (after dropping corrupt lines at load) and the cursor with it. */
  private rewrite(): void {
    writeFileDurably(
      this._file,
      [JSON.stringify({ base: this._base }), ...this._items.map((i) => JSON.stringify(i))].join("\n") + "\n",
    );
    writeFileDurably(this._cursorFile, String(this._delivered));
  }

  /** Closes the file (tests; a process exit closes it too). */
  close(): void {
    closeSync(this._fd);
  }
}
