import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'examples/**', '**/bin/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain .mjs scripts (bench/floor.mjs) run on Node without TypeScript's knowledge of its globals.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } }
  },
  {
    // Small functions. Tests keep a scenario in one test, so they are left out.
    files: ['**/*.ts'],
    ignores: ['**/__tests__/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }]
    }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-console': 'off',
      // Names say what they hold: a named function's parameters are words. `a` and `b` stay for
      // the two sides of a comparison; short callbacks are not named functions.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(FunctionDeclaration, MethodDefinition > FunctionExpression) > Identifier.params[name=/^[c-z]$/]',
          message: 'name the parameter for what it holds (one letter only in short callbacks)'
        }
      ]
    }
  }
)
