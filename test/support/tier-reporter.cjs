// Mocha's spec output, then the tier's closing line alone on a line: `unit: 41 passed, 0 failed`.
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class TierReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tier = process.env.TEST_TIER || 'tests';
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`\n${tier}: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}
module.exports = TierReporter;
