import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFERENCES, PreferencesStore } from './preferences';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-prefs-'));
  dirs.push(dir);
  return path.join(dir, 'preferences.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('PreferencesStore', () => {
  it('starts in Chinese and dark', () => {
    expect(new PreferencesStore(tempFile(), vi.fn()).get()).toEqual({ locale: 'zh-CN', theme: 'dark' });
    expect(DEFAULT_PREFERENCES).toEqual({ locale: 'zh-CN', theme: 'dark' });
  });

  it('persists a change across instances, keeping fields the patch leaves out', () => {
    const file = tempFile();
    new PreferencesStore(file, vi.fn()).update({ locale: 'en' });
    new PreferencesStore(file, vi.fn()).update({ theme: 'light', locale: undefined });
    expect(new PreferencesStore(file, vi.fn()).get()).toEqual({ locale: 'en', theme: 'light' });
  });

  it('keeps valid fields of a damaged file and warns on one that cannot be parsed', () => {
    const file = tempFile();
    fs.writeFileSync(file, JSON.stringify({ locale: 'en', theme: 'neon' }));
    expect(new PreferencesStore(file, vi.fn()).get()).toEqual({ locale: 'en', theme: 'dark' });

    fs.writeFileSync(file, '{ not json');
    const warn = vi.fn();
    expect(new PreferencesStore(file, warn).get()).toEqual(DEFAULT_PREFERENCES);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('preferences.json'));
  });
});
