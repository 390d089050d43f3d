// Vitest reporter that ends the run with Mocha's closing lines ("N passing", "N failing", "N pending"), the lines
// the repository's `npm test` (scripts/test-all.ts) reads to count every suite's tests.
import type { Reporter, TestModule } from "vitest/node";

export default class MochaSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let pending = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else pending++;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    console.log(`\n  ${passed} passing\n  ${failed} failing\n  ${pending} pending`);
  }
}
