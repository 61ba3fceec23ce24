import path from 'node:path';

export const APP_FOLDER_NAME = 'DutyDesk';

/**
 * The platform's usual application-data folder, the same one Electron's app.getPath('userData') uses
 * for productName "DutyDesk", so the desktop app and browser mode share one data directory.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(homeDir, 'AppData', 'Roaming'), APP_FOLDER_NAME);
    case 'darwin':
      return path.posix.join(homeDir, 'Library', 'Application Support', APP_FOLDER_NAME);
    default:
      return path.posix.join(
        env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME)
          ? env.XDG_CONFIG_HOME
          : path.posix.join(homeDir, '.config'),
        APP_FOLDER_NAME,
      );
  }
}

export interface DataPaths {
  root: string;
  config: string;
  preferences: string;
  logs: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    config: path.join(root, 'config.json'),
    preferences: path.join(root, 'preferences.json'),
    logs: path.join(root, 'logs'),
  };
}
