import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Proves that each layer rule fires: the real config (with type information) on probe files placed in
// each layer. The probes must exist on disk because the TypeScript project service only knows files
// that its tsconfig includes; they are removed afterwards.
const root = path.resolve(import.meta.dirname, '..');
const probeTag = `layer-probe-${process.pid}`;
const probes = {
  coreElectron: { file: `main/core/${probeTag}-a.ts`, code: "import 'electron';\nexport {};\n" },
  coreElectronSubpath: {
    file: `main/core/${probeTag}-b.ts`,
    code: "import { app } from 'electron/main';\nexport const a = app;\n",
  },
  coreHost: {
    file: `main/core/${probeTag}-c.ts`,
    code: "import { startHost } from '../host/server';\nexport const s = startHost;\n",
  },
  coreClean: {
    file: `main/core/${probeTag}-d.ts`,
    code: "import { EventHub } from './events';\nexport const h = EventHub;\n",
  },
  rendererFs: { file: `renderer/src/${probeTag}-a.ts`, code: "import fs from 'fs';\nexport const f = fs;\n" },
  rendererNodeFs: {
    file: `renderer/src/${probeTag}-b.ts`,
    code: "import fs from 'node:fs';\nexport const f = fs;\n",
  },
  rendererElectron: {
    file: `renderer/src/${probeTag}-c.ts`,
    code: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n",
  },
  rendererMain: {
    file: `renderer/src/${probeTag}-d.ts`,
    code: "import { createCore } from '../../main/core/app-core';\nexport const c = createCore;\n",
  },
  rendererPreload: {
    file: `renderer/src/${probeTag}-e.ts`,
    code: "import * as p from '../../preload/preload';\nexport const x = p;\n",
  },
  rendererContract: {
    file: `renderer/src/${probeTag}-f.ts`,
    code: "import { queueIds } from '../../preload/contract';\nexport const q = queueIds;\n",
  },
} satisfies Record<string, { file: string; code: string }>;

let eslint: ESLint;
beforeAll(() => {
  for (const { file, code } of Object.values(probes)) fs.writeFileSync(path.join(root, file), code);
  eslint = new ESLint({ cwd: root });
});
afterAll(() => {
  for (const { file } of Object.values(probes)) fs.rmSync(path.join(root, file), { force: true });
});

async function restrictedImports(
  probe: keyof typeof probes | { file: string; code: string },
): Promise<string[]> {
  const { file, code } = typeof probe === 'string' ? probes[probe] : probe;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`lint could not parse ${file}: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('main/core must not import electron', async () => {
    expect(await restrictedImports('coreElectron')).toEqual([
      expect.stringContaining('main/core must not import electron'),
    ]);
    expect(await restrictedImports('coreElectronSubpath')).toHaveLength(1);
  });

  it('main/core must not import the host or the Electron glue, but may import itself', async () => {
    expect(await restrictedImports('coreHost')).toEqual([
      expect.stringContaining('must not import main/host or main/electron'),
    ]);
    expect(await restrictedImports('coreClean')).toEqual([]);
  });

  it('the renderer must not import Node built-ins, electron or main/', async () => {
    expect(await restrictedImports('rendererFs')).toEqual([expect.stringContaining('Node built-in "fs"')]);
    expect(await restrictedImports('rendererNodeFs')).toHaveLength(1);
    expect(await restrictedImports('rendererElectron')).toHaveLength(1);
    expect(await restrictedImports('rendererMain')).toEqual([
      expect.stringContaining('anything under main/'),
    ]);
    expect(await restrictedImports('rendererPreload')).toEqual([
      expect.stringContaining('only preload/contract'),
    ]);
  });

  it('the renderer may import the contract', async () => {
    expect(await restrictedImports('rendererContract')).toEqual([]);
  });

  it('the bridge contract imports nothing of the app', async () => {
    const contract = fs.readFileSync(path.join(root, 'preload/contract.ts'), 'utf8');
    const file = 'preload/contract.ts';
    expect(
      await restrictedImports({
        file,
        code: `import { createCore } from '../main/core/app-core';\nvoid createCore;\n${contract}`,
      }),
    ).toEqual([expect.stringContaining('imports nothing of the app')]);
    expect(
      await restrictedImports({ file, code: `import fs from 'node:fs';\nvoid fs;\n${contract}` }),
    ).toHaveLength(1);
    expect(await restrictedImports({ file, code: contract })).toEqual([]);
  });
});
