// ESLint flat config: typescript-eslint's strict type-checked rules over sources, bench and tests.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', '.tuneloop/**', 'bin/**', 'test/setup/summaryReporter.js', 'jest.config.js', 'eslint.config.mjs'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
);
