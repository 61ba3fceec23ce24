import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  appSchemePrivileges,
  applicationMenuTemplate,
  decideWindowOpen,
  isAppUrl,
  isExternalWebUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  isTrustedSender,
  mainWindowOptions,
  resolveAppFile,
  secureWebPreferences,
  WINDOW_BACKGROUND,
} from './policy';

describe('isAppUrl', () => {
  it.each([
    'app://dutydesk/',
    'app://dutydesk/index.html',
    'app://DutyDesk/assets/a.js?x=1#top',
    'app://dutydesk',
  ])('accepts %s', (url) => expect(isAppUrl(url)).toBe(true));

  it.each([
    'app://evil/index.html',
    'app://dutydesk.evil.com/',
    'app://dutydesk:8080/',
    'app://user@dutydesk/',
    'apps://dutydesk/',
    'http://dutydesk/',
    'file:///dutydesk/index.html',
    'javascript:alert(1)',
    'about:blank',
    '',
    'not a url',
  ])('refuses %s', (url) => expect(isAppUrl(url)).toBe(false));
});

describe('window.open', () => {
  it('denies every window and hands http and https links to the browser', () => {
    const openExternal = vi.fn();
    expect(decideWindowOpen('https://example.com/a?b=c', openExternal)).toEqual({ action: 'deny' });
    expect(decideWindowOpen('http://10.0.0.1/report', openExternal)).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/a?b=c'], ['http://10.0.0.1/report']]);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'app://dutydesk/index.html',
    'smb://share/x',
    'ms-msdt:/id',
    'data:text/html,hi',
    '',
  ])('denies %s without opening anything', (url) => {
    const openExternal = vi.fn();
    expect(decideWindowOpen(url, openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('treats only http and https as web links', () => {
    expect(isExternalWebUrl('HTTPS://EXAMPLE.COM/')).toBe(true);
    expect(isExternalWebUrl('ftp://example.com/')).toBe(false);
  });
});

describe('navigation', () => {
  it('stays inside the app', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true);
    expect(isNavigationAllowed('app://dutydesk/index.html?reload=1')).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('file:///C:/Windows/win.ini')).toBe(false);
    expect(isNavigationAllowed('app://other/')).toBe(false);
  });
});

describe('permissions', () => {
  it('grants notifications to the app and nothing else', () => {
    expect(isPermissionAllowed('notifications', 'app://dutydesk/index.html')).toBe(true);
    expect(isPermissionAllowed('notifications', 'app://dutydesk')).toBe(true);
    expect(isPermissionAllowed('notifications', 'https://example.com/')).toBe(false);
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission, 'app://dutydesk/index.html')).toBe(false);
    }
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: 'app://dutydesk/index.html', frameTreeNodeId: 1 };

  it('accepts the main frame of our window on the app origin', () => {
    expect(isTrustedSender(mainFrame, mainFrame, true)).toBe(true);
  });

  it('refuses another window, a gone frame, an iframe and a foreign page', () => {
    expect(isTrustedSender(mainFrame, mainFrame, false)).toBe(false);
    expect(isTrustedSender(null, mainFrame, true)).toBe(false);
    expect(isTrustedSender({ url: 'app://dutydesk/frame.html', frameTreeNodeId: 7 }, mainFrame, true)).toBe(
      false,
    );
    const foreign = { url: 'https://example.com/', frameTreeNodeId: 1 };
    expect(isTrustedSender(foreign, foreign, true)).toBe(false);
  });
});

describe('resolveAppFile', () => {
  const root = path.resolve('/srv/dutydesk/renderer');

  it('maps app URLs to files under the renderer', () => {
    expect(resolveAppFile('app://dutydesk/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://dutydesk', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://dutydesk/assets/index-1.js?v=2#x', root)).toBe(
      path.join(root, 'assets', 'index-1.js'),
    );
    expect(resolveAppFile('app://dutydesk/sounds/%E8%AD%A6%E6%8A%A5.wav', root)).toBe(
      path.join(root, 'sounds', '警报.wav'),
    );
  });

  it('keeps dot segments inside the renderer, as the URL parser already resolves them', () => {
    expect(resolveAppFile('app://dutydesk/../secret.txt', root)).toBe(path.join(root, 'secret.txt'));
    expect(resolveAppFile('app://dutydesk/%2e%2e/%2e%2e/secret.txt', root)).toBe(
      path.join(root, 'secret.txt'),
    );
  });

  it.each([
    'app://dutydesk/assets/..%2f..%2fsecret.txt',
    'app://dutydesk/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://dutydesk/%2fetc%2fpasswd/../../..%2f..%2f..%2fetc/passwd',
    'app://dutydesk/index.html%00.png',
    'app://dutydesk/%E0%A4%A',
    'app://evil/index.html',
    'file:///etc/passwd',
  ])('refuses %s', (url) => expect(resolveAppFile(url, root)).toBeNull());

  it('refuses Windows escapes: backslashes and drive letters', () => {
    const winRoot = 'C:\\Program Files\\DutyDesk\\resources\\app.asar\\dist\\renderer';
    expect(resolveAppFile('app://dutydesk/assets/app.js', winRoot, path.win32)).toBe(
      `${winRoot}\\assets\\app.js`,
    );
    expect(resolveAppFile('app://dutydesk/..%5C..%5Csecret.txt', winRoot, path.win32)).toBeNull();
    expect(resolveAppFile('app://dutydesk/C:%5CWindows%5Cwin.ini', winRoot, path.win32)).toBeNull();
  });
});

describe('window settings', () => {
  it('hardens every renderer', () => {
    expect(secureWebPreferences('/app/dist/electron/preload.cjs')).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('opens hidden on the dark background, with a usable minimum size', () => {
    const options = mainWindowOptions('/p.cjs', undefined);
    expect(options).toMatchObject({ show: false, backgroundColor: WINDOW_BACKGROUND });
    expect(options.minWidth).toBeGreaterThanOrEqual(1024);
    expect(options.minHeight).toBeGreaterThanOrEqual(600);
    expect(options).not.toHaveProperty('icon');
    expect(mainWindowOptions('/p.cjs', '/icon.png').icon).toBe('/icon.png');
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
  });

  it('registers the app scheme as a secure standard scheme that cannot bypass the CSP', () => {
    expect(appSchemePrivileges.privileges).toMatchObject({ standard: true, secure: true });
    expect(appSchemePrivileges.privileges?.bypassCSP).toBeUndefined();
    expect(appSchemePrivileges.privileges?.corsEnabled).toBeUndefined();
  });
});

describe('applicationMenuTemplate', () => {
  const roles = (template: ReturnType<typeof applicationMenuTemplate>): unknown[] =>
    template.flatMap((item) => [
      item.role,
      ...(Array.isArray(item.submenu) ? item.submenu.map((sub) => sub.role) : []),
    ]);

  it('offers developer tools only in an unpackaged build', () => {
    expect(roles(applicationMenuTemplate('linux', false))).toContain('toggleDevTools');
    expect(roles(applicationMenuTemplate('linux', true))).not.toContain('toggleDevTools');
    expect(roles(applicationMenuTemplate('win32', true))).not.toContain('reload');
  });

  it('has the macOS application menu only on macOS', () => {
    expect(roles(applicationMenuTemplate('darwin', true))).toContain('appMenu');
    expect(roles(applicationMenuTemplate('win32', true))).not.toContain('appMenu');
  });
});
