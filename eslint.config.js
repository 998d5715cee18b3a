import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'scratch/**', 'bench/out/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['test/**', 'bench/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // The layers (README, "Architecture"): imports point down only. domain <- db, messages, charts <- services
  // <- scheduler, slack <- cli. A lower layer that needs a higher one's words takes them from domain/.
  ...layers({
    'src/domain/**': ['db', 'messages', 'charts', 'services', 'scheduler', 'slack'],
    'src/db/**': ['messages', 'charts', 'services', 'scheduler', 'slack'],
    'src/messages/**': ['db', 'charts', 'services', 'scheduler', 'slack'],
    'src/charts/**': ['db', 'messages', 'services', 'scheduler', 'slack'],
    'src/services/**': ['scheduler', 'slack'],
    'src/scheduler/**': ['slack'],
  }),
);

/** One no-restricted-imports rule per layer: none of its files may import from the folders named. */
function layers(rules) {
  return Object.entries(rules).map(([files, above]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: `^\\.{1,2}/(?:\\.\\./)*(?:src/)?(?:${above.join('|')})/`, message: `${files.slice(4, -3)}/ sits below ${above.join(', ')}: imports point down only (README, Architecture).` }] },
      ],
    },
  }));
}
