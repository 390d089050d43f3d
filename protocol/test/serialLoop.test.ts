// The oracles' loop runs one pass at a time and never queues passes behind a slow one (setInterval did: a 75 s
// pass every 5 s left a backlog that ran back to back); the alarm book keeps one record per subject.
import { expect } from "chai";
import { AlarmBook, createLogger, startSerialLoop } from "../index";

const log = createLogger("loop-test", "silent");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("startSerialLoop", function () {
  it("never overlaps passes nor queues them behind a slow one", async function () {
    let running = 0;
    let overlap = 0;
    let finished = 0;
    // Each pass takes 10 intervals.
    const loop = startSerialLoop(
      async () => {
        running++;
        overlap = Math.max(overlap, running);
        await sleep(100);
        running--;
        finished++;
      },
      10,
      log,
    );
    await sleep(350);
    const startedBeforeStop = loop.passes;
    await loop.stop();
    expect(overlap).to.equal(1);
    // 350 ms of 100 ms passes 10 ms apart: at most 4 started, and stopping runs none of a backlog.
    expect(startedBeforeStop).to.be.within(3, 4);
    expect(finished).to.equal(startedBeforeStop);
    await sleep(50);
    expect(loop.passes).to.equal(startedBeforeStop);
  });

  it("keeps going after a pass throws", async function () {
    let passes = 0;
    const loop = startSerialLoop(
      async () => {
        passes++;
        if (passes === 1) throw new Error("boom");
      },
      5,
      log,
    );
    await sleep(60);
    await loop.stop();
    expect(passes).to.be.greaterThan(2);
  });
});

describe("AlarmBook", function () {
  it("keeps one record per subject, counts repeats, resolves and reports every change to its sink", function () {
    let now = 1000;
    const seen: number[] = [];
    const book = new AlarmBook({ source: "dso-oracle", log, now: () => now, sink: (list) => seen.push(list.length) });
    book.raise("session:3", { message: "session 3 failed: x", sessionId: 3n });
    now = 2000;
    book.raise("session:3", { message: "session 3 failed: x", sessionId: 3n });
    expect(book.active()).to.deep.equal([
      {
        source: "dso-oracle",
        key: "session:3",
        severity: "error",
        message: "session 3 failed: x",
        sessionId: "3",
        firstSeenMs: 1000,
        lastSeenMs: 2000,
        count: 2,
      },
    ]);
    book.resolve("session:3");
    expect(book.active()).to.deep.equal([]);
    expect(book.list()[0].resolvedMs).to.equal(2000);
    expect(seen).to.deep.equal([1, 1, 1]);
  });
});
