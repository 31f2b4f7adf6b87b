import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.starface-sim/**', '.test-cache/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'Only extension/src/extension.ts and extension/src/vscode/ may import vscode.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely typed JSON answers; `any` there is the honest type.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: [
      'extension/src/extension.ts',
      'extension/src/vscode/**',
      'extension/src/views/**',
      'extension/src/commands/**',
      'extension/src/inspector/**',
      'extension/src/rehearsal/**',
      'test/vscode/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  // ---- Extension rooms: imports go down, never up ----
  // extension.ts → commands/, views/, inspector/, rehearsal/, vscode/ → model/tree/ → model/ → live/ → pbx/, teamsApp/,
  // prerequisites/, simulator/ → text/ → shared/. A lower room that reached up would drag session state or vscode into
  // the CLIs and the lazy bundles.
  // In flat config a later block's rule replaces an earlier one for the files it matches, so these blocks repeat
  // the `vscode` restriction of the first rules block; keep them in step with it.
  ...(() => {
    const vscodeOnly = {
      name: 'vscode',
      message: 'Only extension/src/extension.ts and extension/src/vscode/ may import vscode.',
    };
    const upTo = (rooms, fix) => ({
      // A relative path whose first real segment is a higher room of extension/src (from depth 1 or 2).
      regex: `^(\\.\\./)+(${rooms.join('|')})(/|$)`,
      message: `This room sits below ${rooms.map((r) => `${r}/`).join(', ')}: ${fix} instead of importing up.`,
    });
    const dynamicUpTo = (rooms) => ({
      // no-restricted-imports does not see import(): the lazy bundles load through it.
      selector: `ImportExpression > Literal.source[value=/^(\\.\\.\\x2F)+(${rooms.join('|')})(\\x2F|$)/]`,
      message: `This room sits below ${rooms.map((r) => `${r}/`).join(', ')}: no import() of them either.`,
    });
    const session = ['model', 'views', 'commands', 'inspector', 'rehearsal', 'vscode'];
    const higher = [...session, 'live'];
    const domain = ['pbx', 'teamsApp', 'prerequisites', 'simulator', 'walkthrough', 'cli'];
    const ui = session.filter((r) => r !== 'model');
    const treeUp = {
      regex: '^\\./tree(/|$)',
      message:
        'Session state in model/ sits below the tree models in model/tree/: they read the session, not the other way round.',
    };
    const dynamicTreeUp = {
      selector: 'ImportExpression > Literal.source[value=/^\\.\\x2Ftree(\\x2F|$)/]',
      message: treeUp.message,
    };
    return [
      {
        // The live-event sources sit on the wire clients: pbx/ never reaches up into them.
        files: ['extension/src/live/**'],
        rules: {
          'no-restricted-imports': [
            'error',
            { paths: [vscodeOnly], patterns: [upTo(session, "report through the source's options (follow.ts hooks)")] },
          ],
          'no-restricted-syntax': ['error', dynamicUpTo(session)],
        },
      },
      {
        files: [
          'extension/src/pbx/**',
          'extension/src/teamsApp/**',
          'extension/src/prerequisites/**',
          'extension/src/simulator/**',
          'extension/src/walkthrough/**',
        ],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: [vscodeOnly],
              patterns: [upTo(higher, 'move what both need down (text/ for wording, shared/ for shapes)')],
            },
          ],
          'no-restricted-syntax': ['error', dynamicUpTo(higher)],
        },
      },
      {
        // model/ holds session state, model/tree/ the tree models built from it: neither reaches up to VS Code.
        files: ['extension/src/model/tree/**'],
        rules: {
          'no-restricted-imports': [
            'error',
            { paths: [vscodeOnly], patterns: [upTo(ui, 'take what the tree needs as a parameter')] },
          ],
          'no-restricted-syntax': ['error', dynamicUpTo(ui)],
        },
      },
      {
        files: ['extension/src/model/*.ts'],
        rules: {
          'no-restricted-imports': [
            'error',
            { paths: [vscodeOnly], patterns: [upTo(ui, 'take what the session needs as a parameter'), treeUp] },
          ],
          'no-restricted-syntax': ['error', dynamicUpTo(ui), dynamicTreeUp],
        },
      },
      {
        files: ['extension/src/text/**'],
        rules: {
          'no-restricted-imports': [
            'error',
            { paths: [vscodeOnly], patterns: [upTo([...higher, ...domain], 'wording takes its facts as parameters')] },
          ],
          'no-restricted-syntax': ['error', dynamicUpTo([...higher, ...domain])],
        },
      },
    ];
  })(),
  // --- Rooms (issue #15): which folders may import which. ---
  // These use `@typescript-eslint/no-restricted-imports`, not the core rule above: in flat config a later block's
  // setting of a rule replaces an earlier one for the files both match, so sharing the core rule would silently drop
  // either the `vscode` restriction or these. Type-only imports count too (allowTypeImports is off).
  {
    // Authentication lives in simulator/src/auth/, replay in events/: REST and UCI are two doors, neither goes
    // through the other.
    files: ['simulator/src/rest/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)uci(/|$)',
              message:
                'simulator/src/rest/ may not import simulator/src/uci/: shared pieces belong in auth/, events/ or state/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['simulator/src/uci/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)rest(/|$)',
              message:
                'simulator/src/uci/ may not import simulator/src/rest/: shared pieces belong in auth/, events/ or state/.',
            },
          ],
        },
      ],
    },
  },
  {
    // `starface-sim record|replay|story` is a client of a running simulator: it speaks UCI and REST over the wire, like any
    // other client, so it takes nothing from the server's rooms.
    files: ['simulator/src/cli/recordReplay.ts', 'simulator/src/cli/story.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^.]',
              message:
                "record/replay and story are clients of the simulator: they may import shared/, not the simulator's rooms.",
            },
          ],
        },
      ],
    },
  },
  {
    // The extension talks to a simulator over the wire, as to a real PBX; what both need is in shared/.
    files: ['extension/src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)simulator/src(/|$)',
              message: 'extension/src/ may not import simulator source: move what both need to shared/.',
            },
          ],
        },
      ],
    },
  },
  // --- end of rooms (issue #15) ---
);
