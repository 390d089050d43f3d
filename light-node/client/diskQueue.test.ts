// The store-and-forward queue and the sequence counter survive restarts and keep order.
import { expect } from "chai";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DiskQueue } from "./diskQueue";
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
