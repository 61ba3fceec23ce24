// Layer rules, enforced by lint (like VS Code's code-layering rule) and proved by eslint/layers.test.ts.
// Each rule names the layer it protects; a violation reads as a sentence a newcomer can act on.
import { builtinModules } from 'node:module';

const nodeBuiltins = [...new Set(builtinModules.filter((name) => !name.startsWith('_')))];

/** main/core is plain Node: testable without Electron, reusable by browser mode. */
export const coreLayer = {
  name: 'dutydesk/layer-core',
  files: ['main/core/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', message: 'main/core must not import electron: keep core plain Node.' }],
        patterns: [
          {
            regex: '^electron/',
            message: 'main/core must not import electron: keep core plain Node.',
          },
          {
            regex: '^\\.{1,2}/(.*/)?(host|electron)(/|$)',
            message:
              'main/core must not import main/host or main/electron: they depend on core, not the other way.',
          },
        ],
      },
    ],
  },
};

/** The renderer runs sandboxed: no Node, no Electron, nothing of main. It reaches main only through the bridge. */
export const rendererLayer = {
  name: 'dutydesk/layer-renderer',
  files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          { name: 'electron', message: 'The renderer must not import electron: use the bridge.' },
          ...nodeBuiltins.map((name) => ({
            name,
            message: `The renderer must not import the Node built-in "${name}": it runs in a sandboxed page.`,
          })),
        ],
        patterns: [
          {
            regex: '^node:',
            message: 'The renderer must not import Node built-ins: it runs in a sandboxed page.',
          },
          {
            regex: '^electron/',
            message: 'The renderer must not import electron: use the bridge.',
          },
          {
            regex: '(^|/)main(/|$)',
            message: 'The renderer must not import anything under main/: use the bridge.',
          },
          {
            regex: '(^|/)preload/(?!contract$)',
            message: 'The renderer may import only preload/contract from preload/.',
          },
        ],
      },
    ],
  },
};

/** The bridge contract is shared by every layer, so it imports nothing of the app. */
export const contractLayer = {
  name: 'dutydesk/layer-contract',
  files: ['preload/contract.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          { name: 'electron', message: 'The bridge contract imports nothing of the app, nor electron.' },
        ],
        patterns: [
          {
            regex: '^(\\.|/|~|@/)',
            message: 'The bridge contract imports nothing of the app: only libraries such as zod.',
          },
          {
            regex: '^node:',
            message: 'The bridge contract imports nothing of the app, nor Node built-ins.',
          },
        ],
      },
    ],
  },
};

export const layerRules = [coreLayer, rendererLayer, contractLayer];
