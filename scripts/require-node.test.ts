import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.resolve(import.meta.dirname, 'require-node.cjs');

function nodeVersionOf(binary: string): string | null {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().replace(/^v/, '') : null;
}

describe('require-node.cjs', () => {
  it('passes silently on this Node', () => {
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  // Debian bookworm's own Node (20) is the old Node a newcomer meets; where it is absent there is
  // nothing old to run the gate on.
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
    const version = fs.existsSync(candidate) ? nodeVersionOf(candidate) : null;
    return version !== null && Number(version.split('.')[0]) < 22;
  });
  if (!oldNode) console.log('require-node.cjs old-Node check not run: no Node older than 22 on this machine');

  it.skipIf(!oldNode)('stops an older Node with one sentence naming the version needed', () => {
    const result = spawnSync(oldNode ?? '', [script], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DutyDesk needs Node\.js 22\.12 or newer, but this is Node 20\./);
  });
});
