// @ts-check
import tseslint from 'typescript-eslint';

/**
 * Lint catches what a formatter and the compiler do not: a promise nobody awaits (a page that silently
 * never goes out), a promise handed to something that ignores its failure (a timer, an event listener).
 */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'migrations/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
