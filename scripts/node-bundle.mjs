// esbuild options shared by every Node-side bundle (the app's entry points and the benchmarks).
export const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  // Native or runtime-provided modules stay outside the bundle; ws's optional native helpers too.
  external: ['electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
  // node-cron's ESM build reads import.meta.url, which a CommonJS bundle leaves undefined and which
  // crashes it on load; its own CommonJS build does not.
  alias: { 'node-cron': './node_modules/node-cron/dist/node-cron.cjs' },
  logLevel: 'warning',
};
