// ESLint, flat config: typescript-eslint's type-aware recommended rules over every TypeScript file, with the
// promise rules that matter most to a receiver that must never leave a rejection unhandled.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'docs/api/**',
      'packages/core/schemas/**',
      'packages/core/src/schemas/checks.generated.ts',
      '**/node_modules/**',
      '.changeset/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{ts,cts,mts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: [
          './tsconfig.test.json',
          './packages/*/tsconfig.json',
          './test/consumers/node10/tsconfig.json',
          './packages/nestjs/test/app/tsconfig.json',
          './examples/nestjs/tsconfig.json',
          './test/consumers/fastify4/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests poke at payloads of any shape and use chai's property assertions.
    files: ['**/test/**/*.{ts,cts,mts}', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      // Test and bench servers hand Koa's and Hono's async request listeners to node:http, as those frameworks intend.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Fakes of async interfaces (stores, readers) are async without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // These files exist to check that require() works.
    files: ['test/consumers/**', 'test/support/framework-aliases.d.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    // The inspector's page runs in the browser.
    files: ['packages/inspector/page/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'document',
          'location',
          'fetch',
          'EventSource',
          'HTMLInputElement',
          'HTMLSelectElement',
          'URLSearchParams',
          'requestAnimationFrame',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
)
