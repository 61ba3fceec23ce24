/**
 * The desktop app's main process: the same core as browser mode (main/host/serve.ts) behind one hardened
 * window. Only glue lives here; every decision is a tested function in policy.ts, app-protocol.ts,
 * desktop-args.ts and ipc.ts.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  type Event as ElectronEvent,
} from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { APP_FOLDER_NAME } from '../core/paths';
import { startWorkstation } from '../workstation';
import { createAppProtocolHandler } from './app-protocol';
import { parseDesktopArgs, type DesktopArgs } from './desktop-args';
import { registerBridge } from './ipc';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  appSchemePrivileges,
  applicationMenuTemplate,
  decideWindowOpen,
  isNavigationAllowed,
  isPermissionAllowed,
  mainWindowOptions,
} from './policy';

const windows = new Set<BrowserWindow>();

function reportStartupFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`DutyDesk could not start: ${message}`);
  // Safe before `ready`; on Linux it then writes to stderr instead of showing a dialog.
  dialog.showErrorBox('DutyDesk could not start', message);
  app.exit(1);
}

/** Every web contents, present or future, gets the same guards: no new windows, no leaving the app, no webviews. */
function guardWebContents(logger: Logger): void {
  const openExternal = (url: string): void => {
    shell
      .openExternal(url)
      .catch((error: unknown) => logger.warn(`could not open ${url} in the browser`, error));
  };
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => decideWindowOpen(url, openExternal));
    const refuseForeign = (event: ElectronEvent<{ url: string }>): void => {
      if (isNavigationAllowed(event.url)) return;
      event.preventDefault();
      logger.warn(`blocked navigation to ${event.url}`);
    };
    contents.on('will-navigate', refuseForeign);
    contents.on('will-redirect', refuseForeign);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
}

function createMainWindow(logger: Logger): BrowserWindow {
  // The packaged app's icon comes from electron-builder; this one is for Linux window managers.
  const icon =
    process.platform === 'linux' ? path.join(app.getAppPath(), 'resources', 'icon.png') : undefined;
  const window = new BrowserWindow(mainWindowOptions(path.join(__dirname, 'preload.cjs'), icon));
  windows.add(window);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => windows.delete(window));
  window
    .loadURL(APP_ENTRY_URL)
    .catch((error: unknown) => logger.error('the window could not load the app', error));
  return window;
}

function focusMainWindow(logger: Logger): void {
  const [window] = windows;
  if (window === undefined) {
    createMainWindow(logger);
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

async function start(args: DesktopArgs): Promise<void> {
  const dataDir = app.getPath('userData');
  const workstation = await startWorkstation({
    dataDir,
    mode: 'desktop',
    version: app.getVersion(),
    demo: args.demo,
    demoSeed: args.demoSeed,
    centralUrl: args.centralUrl,
    syncWorkerScript: path.join(__dirname, 'sync-worker.cjs'),
  });
  const { core, logger } = workstation;

  guardWebContents(logger);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rendererRoot: path.join(__dirname, '..', 'renderer'),
      readFile: (file) => fs.promises.readFile(file),
      logger,
    }),
  );
  const disposeBridge = registerBridge({
    ipcMain,
    dispatch: core.dispatch,
    events: core.events,
    // A window is destroyed a moment before its 'closed' event removes it from the set.
    windows: () => [...windows].filter((window) => !window.isDestroyed()).map((window) => window.webContents),
    logger,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(process.platform, app.isPackaged)));

  core.start();
  createMainWindow(logger);
  logger.info(`desktop mode, data in ${dataDir}`);

  app.on('second-instance', () => focusMainWindow(logger));
  app.on('activate', () => focusMainWindow(logger));
  app.on('window-all-closed', () => {
    // macOS apps stay in the Dock without windows; everywhere else closing the window ends DutyDesk.
    if (process.platform !== 'darwin') app.quit();
  });

  // SIGINT, SIGTERM and SIGHUP end up here too: Electron turns the first one into a graceful quit
  // (https://github.com/electron/electron/blob/main/shell/browser/electron_browser_main_parts_posix.cc).
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    disposeBridge();
    void workstation
      .stop()
      .catch((error: unknown) => logger.warn('DutyDesk did not stop cleanly', error))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
}

function main(): void {
  let args: DesktopArgs;
  try {
    args = parseDesktopArgs(process.argv.slice(1));
  } catch (error) {
    reportStartupFailure(error);
    return;
  }
  // Scheme privileges, the sandbox switch and the userData folder only take effect before `ready`.
  protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
  app.enableSandbox();
  app.setName(APP_FOLDER_NAME);
  // userData is also the key of the single-instance lock, so each data directory gets its own instance.
  if (args.dataDir !== undefined) app.setPath('userData', path.resolve(args.dataDir));
  if (!app.requestSingleInstanceLock()) {
    // The running instance receives 'second-instance' and comes to the front.
    app.quit();
    return;
  }
  app
    .whenReady()
    .then(() => start(args))
    .catch(reportStartupFailure);
}

main();
