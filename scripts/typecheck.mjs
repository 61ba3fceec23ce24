// Typechecks each layer with its own tsconfig: Node (main, preload, central, bench), DOM (renderer), e2e.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const layers = ['tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.e2e.json'];
const root = path.resolve(import.meta.dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

let failed = 0;
for (const layer of layers) {
  const result = spawnSync(process.execPath, [tsc, '-p', layer, '--pretty'], { cwd: root, stdio: 'inherit' });
  console.log(`typecheck ${layer}: ${result.status === 0 ? 'ok' : 'FAILED'}`);
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
