// ESLint flat config: typescript-eslint's strict type-checked rules over sources, bench and tests.
// Why each deviation from `strictTypeChecked` exists is written next to it; everything else is on.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'out/**',
      '.tuneloop/**',
      'bin/**',
      'demo/**',
      'test/fixtures/**',
      'test/setup/summaryReporter.js',
      'jest.config.js',
      'eslint.config.mjs',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Counts, sizes and durations are interpolated into log lines and error messages all over the
      // code base; numbers print unambiguously, so they stay allowed. Objects, nullish values and
      // `any` are still rejected (they print "[object Object]" / "undefined").
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false },
      ],
      // `_`-prefixed parameters document an intentionally unused position in a callback signature.
      // `() => resolve()` / `(err) => reject(err)` callbacks are the idiom for event and promise
      // wiring; the caller ignores the return value, so braces around them would only add noise.
      // `return send(ctx, 200, body)` / `return add(code, reason)` inside a function whose declared return
      // type is void (HTTP route handlers, validators) is an early exit, not a value; the declared type
      // already tells the reader nothing is returned. Void values used anywhere else are still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Every function it reports fulfils a Promise-returning contract without needing to wait for
      // anything itself: an interface method (`Rule.apply`, `Benchmark.run`, a store's `findExact`,
      // `TokenCredential.getToken`, a sink's `flush`) or an async generator feeding an `AsyncIterable`
      // parameter. `async` is what makes a throw inside them a rejection, which callers rely on
      // (`await` in a try, `.catch`); rewriting them as `return Promise.resolve(x)` would turn those
      // throws into synchronous exceptions, and an async generator has no non-async spelling. The bug
      // the rule hunts, a forgotten `await`, is still caught by no-floating-promises,
      // no-misused-promises and await-thenable, which stay on.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript helpers (child processes spawned by fault tests) are not in the TS project.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The fault tests' child scripts are plain CommonJS run by `node` against the built dist/: `require`
    // is their module system (there is no compiler to turn an `import` into one), and what they load
    // is chosen at run time by the crash mode.
    files: ['test/faults/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read JSON, HTTP bodies and JSONL loosely and then assert the shape with `expect`; typing
    // every intermediate value would add casts, not safety. A failing `!` in a test fails the test,
    // which is what the assertion would do anyway. Sources and bench keep all of these rules.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Sums of loosely-read JSON counts (`report.records_used + report.records_quarantined`) and
      // `output += chunk` stream collectors; the `expect` on the result is the check.
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },
);
