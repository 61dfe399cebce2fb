const fs = require('fs');
const path = require('path');

/**
 * Writes one plain result line, `tests: N passed, N failed[, N skipped]`, to
 * .tuneloop/test-summary.txt; .ci/run prints it as its closing line so any CI can read the
 * result without knowing Jest's format.
 */
class SummaryReporter {
  constructor(globalConfig) {
    this.file = path.join(globalConfig.rootDir, '.tuneloop', 'test-summary.txt');
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, line + '\n');
  }
}
module.exports = SummaryReporter;
