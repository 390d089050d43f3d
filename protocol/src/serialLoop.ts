// A service loop that runs one pass at a time: the next pass starts `intervalMs` after the previous one ended, so a
// pass slower than the interval never queues more passes behind it (setInterval would pile them up).
import type { Logger } from "./logger";

export interface SerialLoop {
  /** Passes started so far. */
  readonly passes: number;
  /** Stops scheduling and waits for the pass in progress, if any. */
  stop(): Promise<void>;
}

export function startSerialLoop(pass: () => Promise<void>, intervalMs: number, log: Logger): SerialLoop {
  let stopped = false;
  let passes = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const run = () => {
    timer = undefined;
    if (stopped) return;
    passes++;
    current = (async () => {
      try {
        await pass();
      } catch (error) {
        // A pass isolates its own items; what reaches here is unexpected, and the next pass still runs.
        log.error({ error: (error as Error)?.message ?? String(error) }, "pass failed; retrying next interval");
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    })();
  };
  run();
  return {
    get passes() {
      return passes;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
