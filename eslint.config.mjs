// `npm run lint`: typescript-eslint's type-aware rules, few and chosen for bugs this code base could have.
// Formatting is prettier's job (`npm run format`), so eslint-config-prettier turns off every style rule.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'assets/', 'cdk.out/', '.tmp/', 'coverage/', 'rehearsal-reports/', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware, for the bugs that matter in handlers and the CLI: a promise nobody awaits loses its error
      // (a Step Functions task would succeed while its write failed), and awaiting a non-promise hides a mistake.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // Errors are classes (STYLE.md): throw Error objects, so the name reaches Retry/Catch and the CLI.
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // tsc already reports unused locals and parameters (tsconfig noUnused*): one report is enough.
      '@typescript-eslint/no-unused-vars': 'off',
      // `require()` is used on purpose where a module is optional at run time (bin/app.ts, tests' doMock).
      '@typescript-eslint/no-require-imports': 'off',
      // Validators reject control characters (tab, newline, NUL, ANSI escapes) in names and inputs on purpose:
      // matching them is the point of those regular expressions.
      'no-control-regex': 'off',
    },
  },
  {
    // The rehearsal reads Amazon States Language documents folded out of a CloudFormation template and drives
    // aws-local-stepfunctions, both untyped JSON; cdk-nag's construct metadata is untyped too.
    files: ['lib/rehearsal/**/*.ts', 'lib/private/acknowledge.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests: jest matchers and `any` in table fixtures are fine.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
