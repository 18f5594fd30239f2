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
  ['http', '^src/http/'],
  // The whole settings schema: the http layer's context carries it; the use cases below each
  // declare the few settings they read as their own interface, which the whole object satisfies.
  ['config', '^src/config/'],
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

/** No exception: an import from a folder above, type-only or not, is an error. */
const upward = LAYERS.slice(1).map(([name, path], index) => {
  const above = LAYERS.slice(0, index + 1);
  return {
    name: `${name}-imports-only-down`,
    comment: `src/${name} may import only folders below it (see docs/architecture.md): ${above.map(([a]) => a).join(', ')} are above it.`,
    severity: 'error',
    from: { path },
    to: { path: above.map(([, a]) => a) },
  };
});

module.exports = {
  forbidden: [
    ...upward,
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
