// The store-and-forward queue and the sequence counter survive restarts and keep order.
import { expect } from "chai";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DiskQueue, durableIo, writeFileDurably, type QueueIo } from "./diskQueue";
import { SequenceCounter } from "./keyStore";

describe("DiskQueue", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "queue-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("returns entries in order and keeps undelivered ones across a restart", () => {
    const q = new DiskQueue<number>(dir);
    for (let i = 0; i < 10; i++) q.push(i);
    q.ackThrough(q.peek(4).at(-1)!.index);
    const again = new DiskQueue<number>(dir);
    expect(again.pending).to.equal(6);
    expect(again.peek(100).map((e) => e.item)).to.deep.equal([4, 5, 6, 7, 8, 9]);
  });

  it("compacts delivered entries without renumbering the rest", () => {
    const q = new DiskQueue<number>(dir, "queue", 5);
    for (let i = 0; i < 8; i++) q.push(i);
    const sixth = q.peek(6).at(-1)!;
    q.ackThrough(sixth.index);
    const lines = readFileSync(path.join(dir, "queue.jsonl"), "utf8").trim().split("\n");
    expect(lines).to.have.length(1 + 2); // header + the two undelivered entries
    expect(q.peek(10).map((e) => [e.index, e.item])).to.deep.equal([
      [6, 6],
      [7, 7],
    ]);
    const again = new DiskQueue<number>(dir, "queue", 5);
    expect(again.peek(10).map((e) => [e.index, e.item])).to.deep.equal([
      [6, 6],
      [7, 7],
    ]);
  });

  it("drops a torn last line left by a crash mid-append", () => {
    const q = new DiskQueue<number>(dir);
    q.push(1);
    appendFileSync(path.join(dir, "queue.jsonl"), '{"half');
    expect(new DiskQueue<number>(dir).peek(10).map((e) => e.item)).to.deep.equal([1]);
  });

  it("lists only entries from a given index (what is not yet in flight)", () => {
    const q = new DiskQueue<string>(dir);
    ["a", "b", "c"].forEach((x) => q.push(x));
    expect(q.peek(10, 1).map((e) => e.item)).to.deep.equal(["b", "c"]);
  });
});

describe("SequenceCounter", () => {
  it("never reuses a sequence number after a restart", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "seq-"));
    const a = new SequenceCounter(dir, 10);
    const used = Array.from({ length: 13 }, () => a.next());
    const b = new SequenceCounter(dir, 10);
    expect(b.next()).to.be.above(Math.max(...used));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("DiskQueue durability", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "queue-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every entry written after a torn line (a crash mid-append, then more appends)", () => {
    const q = new DiskQueue<number>(dir);
    q.push(1);
    appendFileSync(path.join(dir, "queue.jsonl"), '{"half'); // the crash
    const restarted = new DiskQueue<number>(dir);
    restarted.push(2);
    restarted.push(3);
    expect(new DiskQueue<number>(dir).peek(10).map((e) => e.item)).to.deep.equal([1, 2, 3]);
  });

  it("loses only the unreadable line of an old file where an entry was glued to a torn one", () => {
    writeFileSync(path.join(dir, "queue.jsonl"), '{"base":0}\n1\n{"half2\n3\n4\n');
    writeFileSync(path.join(dir, "queue.cursor"), "1");
    const q = new DiskQueue<number>(dir);
    expect(q.stats.corruptLines).to.equal(1);
    expect(q.peek(10).map((e) => e.item)).to.deep.equal([3, 4]);
    expect(new DiskQueue<number>(dir).peek(10).map((e) => e.item)).to.deep.equal([3, 4]);
  });

  it("fsyncs every append and every cursor move", () => {
    const synced: string[] = [];
    const io: QueueIo = {
      append: (fd, text) => {
        durableIo.append(fd, text);
        synced.push(`append ${text.trim()}`);
      },
      replace: (file, text) => {
        durableIo.replace(file, text);
        synced.push(`replace ${path.basename(file)} ${text.trim()}`);
      },
    };
    const q = new DiskQueue<number>(dir, "queue", 1000, io);
    q.push(7);
    q.ackThrough(0);
    expect(synced).to.deep.equal(["append 7", "replace queue.cursor 1"]);
  });

  it("does not throw on a full disk: keeps entries in memory, does not move the cursor past them, writes them later", () => {
    let full = false;
    const enospc = () => Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    const io: QueueIo = {
      append: (fd, text) => {
        if (full) throw enospc();
        durableIo.append(fd, text);
      },
      replace: (file, text) => {
        if (full) throw enospc();
        durableIo.replace(file, text);
      },
    };
    const q = new DiskQueue<number>(dir, "queue", 1000, io);
    q.push(1);
    full = true;
    expect(() => q.push(2)).not.to.throw();
    expect(() => q.push(3)).not.to.throw();
    expect(q.unpersisted).to.equal(2);
    expect(q.peek(10).map((e) => e.item)).to.deep.equal([1, 2, 3]);
    q.ackThrough(0); // the cursor file cannot be written either
    expect(q.stats.writeFailures).to.be.greaterThan(0);
    full = false;
    expect(q.persistTail()).to.equal(true);
    q.ackThrough(0);
    expect(new DiskQueue<number>(dir).peek(10).map((e) => e.item)).to.deep.equal([2, 3]);
  });
});

describe("SequenceCounter durability", () => {
  it("fsyncs its reservation and goes on counting when the disk is full", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "seq-"));
    const writes: string[] = [];
    let full = false;
    const counter = new SequenceCounter(dir, 10, (file, text) => {
      if (full) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      writeFileDurably(file, text);
      writes.push(text);
    });
    expect(counter.next()).to.equal(1);
    expect(writes).to.deep.equal(["11"]);
    full = true;
    const more = Array.from({ length: 15 }, () => counter.next());
    expect(more).to.deep.equal(Array.from({ length: 15 }, (_, i) => i + 2));
    expect(counter.writeFailures).to.be.greaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
