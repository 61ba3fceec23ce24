/**
 * The desktop window's security decisions, as plain functions of plain data so that Vitest proves them
 * without an Electron runtime. main.ts only wires them to Electron's hooks. The baseline follows
 * Electron's security checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */
import path from 'node:path';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  MenuItemConstructorOptions,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';

/** The renderer is served from `app://dutydesk/`, never from file:// (which would grant it the whole disk). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'dutydesk';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The renderer's dark theme background, painted before the first frame so the window never flashes white. */
export const WINDOW_BACKGROUND = '#0f1419';

/**
 * `standard` gives the scheme real origins and relative URLs; `secure` makes it a secure context (needed for
 * notifications); `supportFetchAPI` lets the page fetch its own assets (sounds, JSON); `codeCache` keeps V8's
 * compiled code between starts. No `bypassCSP`, no `corsEnabled`: nothing else may read from it.
 * https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL belongs to the app's own origin. Compared by parts because WHATWG URL gives a
 * non-special scheme the opaque origin "null" in Node, while Chromium treats the registered standard
 * scheme as a real origin (and lower-cases its host, as done here).
 */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Only web links leave the app, and only to the operator's browser: file:, javascript:, custom schemes never do. */
export function isExternalWebUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
}

/**
 * window.open and target=_blank never create a window inside DutyDesk. A web link is handed to the
 * operator's browser; anything else is dropped.
 */
export function decideWindowOpen(
  url: string,
  openExternal: (url: string) => void,
): WindowOpenHandlerResponse {
  if (isExternalWebUrl(url)) openExternal(url);
  return { action: 'deny' };
}

/** will-navigate / will-redirect: the window only ever shows the app's own pages. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Permissions the app may be granted, and only when its own origin asks. Notifications carry the alarms
 * when the window is in the background; everything else (camera, geolocation, clipboard reads, external
 * protocols, ...) is refused. Alarm sounds need no permission: see `autoplayPolicy` below.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/** A frame as Electron's WebFrameMain describes it: only what the sender check needs. */
export interface FrameIdentity {
  readonly url: string;
  readonly frameTreeNodeId: number;
}

/**
 * Whether an IPC message may be served: it must come from one of our windows, from that window's main
 * frame (not an iframe), while that frame shows the app's own origin. `senderFrame` is null when the
 * frame navigated away or was destroyed after sending, which is refused too.
 * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
 */
export function isTrustedSender(
  senderFrame: FrameIdentity | null,
  mainFrame: FrameIdentity,
  isOurWindow: boolean,
): boolean {
  return (
    isOurWindow &&
    senderFrame !== null &&
    senderFrame.frameTreeNodeId === mainFrame.frameTreeNodeId &&
    isAppUrl(senderFrame.url)
  );
}

/**
 * Maps a request on the app protocol to a file inside the built renderer, or null when the URL is not
 * ours or its path would leave that folder (`..`, encoded `%2e%2e%2f`, backslashes on Windows, NUL).
 * `pathApi` is injectable so the Windows rules are tested on any machine.
 * https://www.electronjs.org/docs/latest/api/protocol#protocolhandlescheme-handler
 */
export function resolveAppFile(
  requestUrl: string,
  rendererRoot: string,
  pathApi: path.PlatformPath = path,
): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const { pathname } = new URL(requestUrl);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = pathApi.resolve(rendererRoot);
  const file = pathApi.resolve(root, `.${decoded === '/' || decoded === '' ? '/index.html' : decoded}`);
  const relative = pathApi.relative(root, file);
  const escapes =
    relative === '..' || relative.startsWith(`..${pathApi.sep}`) || pathApi.isAbsolute(relative);
  if (relative === '' || escapes) return null;
  return file;
}

/** The hardened renderer settings of every DutyDesk window. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Chromium's spellchecker downloads dictionaries from Google's CDN, which duty-room networks cannot reach.
    spellcheck: false,
    // A duty room's alarm must sound even if nobody has clicked the window since it opened.
    autoplayPolicy: 'no-user-gesture-required',
  };
}

export function mainWindowOptions(
  preloadPath: string,
  iconPath: string | undefined,
): BrowserWindowConstructorOptions {
  return {
    title: '值班台 DutyDesk',
    width: 1440,
    height: 900,
    // The three-column command view stays readable down to a 1280×720 screen with a taskbar.
    minWidth: 1200,
    minHeight: 680,
    backgroundColor: WINDOW_BACKGROUND,
    // Shown on ready-to-show, so the operator never sees an empty frame.
    show: false,
    ...(iconPath === undefined ? {} : { icon: iconPath }),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/**
 * A minimal menu: editing shortcuts (copy and paste need the Edit menu on macOS), zoom and full screen.
 * Reload and the developer tools exist only in an unpackaged build.
 */
export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  packaged: boolean,
): MenuItemConstructorOptions[] {
  const developerItems: MenuItemConstructorOptions[] = packaged
    ? []
    : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...developerItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}
