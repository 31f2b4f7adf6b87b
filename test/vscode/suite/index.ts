// The extensionTestsPath module: loaded by the VS Code extension host, which calls run().
// test/vscode/run.mjs bundles this file with esbuild into dist-test/vscode/suite/index.js; the virtual module
// `vscode-test-files` (an esbuild plugin there) holds one loader per test/vscode/**/*.test.ts.
// Mocha stays external and is resolved from the project's node_modules.
import Mocha from 'mocha';

interface TestFile {
  file: string;
  load: () => unknown;
}

export function run(): Promise<void> {
  const files: TestFile[] = require('vscode-test-files');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000 });
  // Mocha's loadFiles(), done by hand: the test files are already in the bundle.
  for (const { file, load } of files) {
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    mocha.suite.emit('require', load(), file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats;
      const passes = s?.passes ?? 0;
      const failed = s?.failures ?? failures;
      const skipped = s?.pending ? `, ${s.pending} skipped` : '';
      console.log(`vscode: ${passes} passed, ${failed} failed${skipped}`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
