// Stops at once, with one sentence, when Node is too old for DutyDesk (better-sqlite3@13 and Vitest need 22.12+).
// Written in old-style JavaScript on purpose: it must run, and say why, on any Node.
'use strict';
var parts = process.versions.node.split('.').map(Number);
var ok = parts[0] > 22 || (parts[0] === 22 && parts[1] >= 12);
if (!ok) {
  console.error(
    'DutyDesk needs Node.js 22.12 or newer, but this is Node ' +
      process.versions.node +
      ': run "bash scripts/dev.sh start" (or "bash .ci/run"), which fetches Node 22 from the npm registry.',
  );
  process.exit(1);
}
