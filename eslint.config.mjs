import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.starface-sim/**', '.test-cache/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/src/extension.ts and extension/src/vscode/ may import vscode.' }] }],
    },
  },
  {
    // Tests read loosely typed JSON answers; `any` there is the honest type.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['extension/src/extension.ts', 'extension/src/vscode/**', 'extension/src/views/**', 'extension/src/commands/**', 'extension/src/inspector/**', 'test/vscode/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  // --- Rooms (issue #15): which folders may import which. ---
  // These use `@typescript-eslint/no-restricted-imports`, not the core rule above: in flat config a later block's
  // setting of a rule replaces an earlier one for the files both match, so sharing the core rule would silently drop
  // either the `vscode` restriction or these. Type-only imports count too (allowTypeImports is off).
  {
    // Authentication lives in simulator/src/auth/, replay in events/: REST and UCI are two doors, neither goes
    // through the other.
    files: ['simulator/src/rest/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)uci(/|$)', message: 'simulator/src/rest/ may not import simulator/src/uci/: shared pieces belong in auth/, events/ or state/.' }] }] },
  },
  {
    files: ['simulator/src/uci/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)rest(/|$)', message: 'simulator/src/uci/ may not import simulator/src/rest/: shared pieces belong in auth/, events/ or state/.' }] }] },
  },
  {
    // The extension talks to a simulator over the wire, as to a real PBX; what both need is in shared/.
    files: ['extension/src/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)simulator/src(/|$)', message: 'extension/src/ may not import simulator source: move what both need to shared/.' }] }] },
  },
  // --- end of rooms (issue #15) ---
);
