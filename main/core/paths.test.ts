import { describe, expect, it } from 'vitest';
import { dataPaths, defaultDataDir } from './paths';

describe('defaultDataDir', () => {
  it('follows each platform like Electron userData does', () => {
    expect(defaultDataDir('linux', {}, '/home/duty')).toBe('/home/duty/.config/DutyDesk');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/srv/cfg' }, '/home/duty')).toBe('/srv/cfg/DutyDesk');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/duty')).toBe(
      '/home/duty/.config/DutyDesk',
    );
    expect(defaultDataDir('darwin', {}, '/Users/duty')).toBe(
      '/Users/duty/Library/Application Support/DutyDesk',
    );
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\duty\\AppData\\Roaming' }, 'C:\\Users\\duty')).toBe(
      'C:\\Users\\duty\\AppData\\Roaming\\DutyDesk',
    );
  });

  it('places config, preferences and logs inside the data directory', () => {
    const paths = dataPaths('/data');
    expect(paths.config).toBe('/data/config.json');
    expect(paths.preferences).toBe('/data/preferences.json');
    expect(paths.logs).toBe('/data/logs');
  });
});
