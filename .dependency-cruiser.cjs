/**
 * The layer rule of docs/architecture.md: folders of src/ read in the order a request travels,
 * and a module imports only from its own folder or from a folder below it. The order is total,
 * so the folder-level import graph cannot have a cycle. `npm run lint:deps` checks it (and
 * `npm test` runs that first).
 */

/** Top to bottom. Each entry is one folder of src/ (or a top-level file). */
const LAYERS = [
  // The package's entry points (index.ts and the subpath entries beside it), errors.ts aside.
  ['index', '^src/(?!errors\\.ts$)[^/]+\\.ts$'],
  // The browser and Node client: speaks to a Tessera server over HTTP, imports nothing of it.
  ['client', '^src/client/'],
  ['cli', '^src/cli/'],
  ['server', '^src/server/(?!pages/)'],
  ['adapters', '^src/adapters/'],
  // The pages for browsers (browsable API, admin console, OpenAPI): the bundled server serves
  // them, and the adapters mount them in an app, so they sit below both.
  ['pages', '^src/server/pages/'],
  ['app', '^src/app/'],
  ['config', '^src/config/'],
  ['http', '^src/http/'],
  ['accounts', '^src/accounts/'],
  ['django-import', '^src/django-import/'],
  ['auth', '^src/auth/'],
  ['registration', '^src/registration/'],
  ['sessions', '^src/sessions/'],
  ['users', '^src/users/'],
  ['keys', '^src/keys/'],
  ['mail', '^src/mail/'],
  ['stores', '^src/stores/'],
  // DRF's wire rules import nothing of Tessera but errors.ts: endpoints (http/) and the use
  // cases that declare DRF fields (registration, accounts) both use them.
  ['drf', '^src/drf/'],
  ['throttling', '^src/throttling/'],
  ['passwords', '^src/passwords/'],
  ['tokens', '^src/tokens/'],
  ['observability', '^src/observability/'],
  ['model', '^src/model/'],
  ['errors', '^src/errors\\.ts$'],
];

/**
 * Known debt (issue 11, docs/architecture.md): the use cases still take the whole
 * `TesseraContext` (src/http/context.ts), which holds the whole `Settings`. Until each takes a
 * narrow context, a type-only import of that one file is allowed from below, and http/ may import
 * the settings type; a runtime import of either from below is still an error.
 */
const CONTEXT = '^src/http/context\\.ts$';
const SETTINGS = '^src/config/settings\\.ts$';
const HTTP_INDEX = LAYERS.findIndex(([name]) => name === 'http');

const upward = LAYERS.slice(1).flatMap(([name, path], index) => {
  const above = LAYERS.slice(0, index + 1);
  const belowHttp = index + 1 > HTTP_INDEX;
  const rule = {
    name: `${name}-imports-only-down`,
    comment: `src/${name} may import only folders below it (see docs/architecture.md): ${above.map(([a]) => a).join(', ')} are above it.`,
    severity: 'error',
    from: { path, pathNot: CONTEXT },
    to: { path: above.map(([, a]) => a), ...(belowHttp ? { pathNot: CONTEXT } : name === 'http' ? { pathNot: SETTINGS } : {}) },
  };
  if (!belowHttp) return [rule];
  return [
    rule,
    {
      name: `${name}-imports-context-type-only`,
      comment: `src/${name} may import TesseraContext as a type only (known debt, see above).`,
      severity: 'error',
      from: { path },
      to: { path: CONTEXT, dependencyTypesNot: ['type-only'] },
    },
  ];
});

const httpSettingsRules = [
  {
    name: 'http-imports-settings-type-only',
    comment: 'src/http may import the Settings type only (known debt, with TesseraContext).',
    severity: 'error',
    from: { path: '^src/http/' },
    to: { path: SETTINGS, dependencyTypesNot: ['type-only'] },
  },
];

const contextRules = [
  {
    name: 'context-imports-only-down',
    comment: 'src/http/context.ts may import only folders below http, and the Settings type.',
    severity: 'error',
    from: { path: CONTEXT },
    to: { path: LAYERS.slice(0, HTTP_INDEX).map(([, a]) => a), pathNot: SETTINGS },
  },
  {
    name: 'context-imports-settings-type-only',
    comment: 'src/http/context.ts may import the Settings type only.',
    severity: 'error',
    from: { path: CONTEXT },
    to: { path: SETTINGS, dependencyTypesNot: ['type-only'] },
  },
];

module.exports = {
  forbidden: [
    ...upward,
    ...contextRules,
    ...httpSettingsRules,
    {
      name: 'unplaced-folder',
      comment: 'Every module of src/ belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, path]) => path) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'No import cycles between modules, even inside a folder.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: {
      archi: { collapsePattern: '^src/[^/]+' },
      dot: { collapsePattern: '^src/[^/]+' },
    },
  },
};
