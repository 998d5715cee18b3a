import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Kysely and the database handle (`Db`, db/database.js) stay in db/: everything else reads and writes
 * through repositories, and runs several statements as one transaction with `transact`/`withPairLock`.
 * The composition roots may hold the handle (main.ts opens the database, services/index.ts hands it to
 * createRepositories), never Kysely.
 */
const kyselyStays =
  'Kysely stays in db/: add a repository method (db/repositories), and use transact() for several statements in one transaction.';
const dataAccess = {
  kysely: { name: 'kysely', message: kyselyStays },
  kyselySubpath: { regex: '^kysely/', message: kyselyStays },
  handle: {
    regex: '^\\.{1,2}/(?:\\.\\./)*(?:src/)?db/database(?:\\.js)?$',
    message:
      'The database handle stays in db/ (and the composition roots): take repositories, or transact() for one transaction.',
  },
  compositionRoots: ['src/main.ts', 'src/services/index.ts'],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'scratch/**',
      'bench/out/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['test/**', 'bench/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // The layers (README, "Architecture"): imports point down only. domain <- db, messages, charts <- services
  // <- scheduler, slack <- cli. A lower layer that needs a higher one's words takes them from domain/.
  // And SQL stays in db/: no file outside it imports Kysely or the database handle (see dataAccess).
  ...layers({
    'src/domain/**': ['db', 'messages', 'charts', 'services', 'scheduler', 'slack'],
    'src/db/**': ['messages', 'charts', 'services', 'scheduler', 'slack'],
    'src/messages/**': ['db', 'charts', 'services', 'scheduler', 'slack'],
    'src/charts/**': ['db', 'messages', 'services', 'scheduler', 'slack'],
    'src/services/**': ['scheduler', 'slack'],
    'src/scheduler/**': ['slack'],
  }),
);

/**
 * One no-restricted-imports rule per layer: none of its files may import from the folders named, and
 * none outside db/ may import Kysely or the database handle. (One rule per file: a later config object
 * would replace an earlier one's options, not add to them.)
 */
function layers(rules) {
  const upward = (files) => {
    const above = rules[files];
    return above
      ? [
          {
            regex: `^\\.{1,2}/(?:\\.\\./)*(?:src/)?(?:${above.join('|')})/`,
            message: `${files.slice(4, -3)}/ sits below ${above.join(', ')}: imports point down only (README, Architecture).`,
          },
        ]
      : [];
  };
  const layerOf = (file) => Object.keys(rules).find((files) => file.startsWith(files.slice(0, -2)));
  const restrict = (files, { layer, handle = true, ignores }) => {
    const inDb = layer === 'src/db/**';
    const patterns = [
      ...upward(layer),
      ...(inDb ? [] : [dataAccess.kyselySubpath]),
      ...(handle && !inDb ? [dataAccess.handle] : []),
    ];
    return {
      files: [files],
      ...(ignores ? { ignores } : {}),
      rules: { 'no-restricted-imports': ['error', { ...(inDb ? {} : { paths: [dataAccess.kysely] }), patterns }] },
    };
  };
  return [
    // src/ outside the layers: the CLI, main.ts, config.
    restrict('src/**', { ignores: Object.keys(rules) }),
    ...Object.keys(rules).map((files) => restrict(files, { layer: files })),
    ...dataAccess.compositionRoots.map((file) => restrict(file, { layer: layerOf(file), handle: false })),
  ];
}
