import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_INTERVAL_MS, resolveConfig } from './config';

const base = { filePath: '/data/config.json', env: {} };

describe('resolveConfig', () => {
  it('has no central platform and the default interval when nothing is configured', () => {
    expect(resolveConfig({ ...base, file: undefined })).toEqual({
      centralUrl: null,
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
    });
  });

  it('reads config.json and drops a trailing slash', () => {
    expect(
      resolveConfig({ ...base, file: { centralUrl: 'https://central.example/', pollIntervalSeconds: 5 } }),
    ).toEqual({ centralUrl: 'https://central.example', pollIntervalMs: 5_000 });
  });

  it('lets the flag beat the environment and the environment beat the file', () => {
    const file = { centralUrl: 'https://file.example' };
    const env = { DUTYDESK_CENTRAL_URL: 'https://env.example' };
    expect(resolveConfig({ ...base, file, env }).centralUrl).toBe('https://env.example');
    expect(resolveConfig({ ...base, file, env, centralUrlFlag: 'http://127.0.0.1:9' }).centralUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('names the file and the field when config.json is wrong', () => {
    expect(() => resolveConfig({ ...base, file: { centralUrl: 'ftp://x' } })).toThrow(
      /\/data\/config\.json: centralUrl: must be an http/,
    );
    expect(() => resolveConfig({ ...base, file: { pollIntervalSeconds: 0 } })).toThrow(/pollIntervalSeconds/);
    expect(() => resolveConfig({ ...base, file: { centralURL: 'https://typo.example' } })).toThrow(
      /centralURL/,
    );
    expect(() => resolveConfig({ ...base, file: ['not', 'an', 'object'] })).toThrow(/config\.json/);
  });

  it('names the flag or variable when its URL is wrong', () => {
    expect(() => resolveConfig({ ...base, file: undefined, centralUrlFlag: 'central' })).toThrow(
      /--central-url/,
    );
    expect(() =>
      resolveConfig({ ...base, file: undefined, env: { DUTYDESK_CENTRAL_URL: 'javascript:alert(1)' } }),
    ).toThrow(/DUTYDESK_CENTRAL_URL/);
  });
});
