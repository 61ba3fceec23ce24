/** What reading the token needs from the page; injected so that the logic runs in plain Node tests. */
export interface TokenPage {
  /** The page address, e.g. location.href. */
  href: string;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** Replaces the address in the bar without navigating (history.replaceState). */
  replaceAddress(address: string): void;
}

const TOKEN_PARAM = 'token';

/**
 * Each browser-mode start listens on its own port with its own token, so the stored token is keyed
 * by port: a tab left open on an older instance must not hand its token to a newer one.
 */
export function tokenStorageKey(port: string): string {
  return `dutydesk.accessToken.${port || 'default'}`;
}

/**
 * The per-start access token of browser mode. It arrives once as `?token=` in the link DutyDesk
 * prints; it is then kept in sessionStorage (so a reload keeps working in this tab) and removed from
 * the address bar (so it does not end up in screenshots, bookmarks or shoulder-surfing).
 * Returns null when neither the address nor this tab's storage has one.
 */
export function takeAccessToken(page: TokenPage): string | null {
  const address = new URL(page.href);
  const key = tokenStorageKey(address.port);
  const fromAddress = address.searchParams.get(TOKEN_PARAM);
  if (fromAddress) {
    rememberToken(page.storage, key, fromAddress);
    address.searchParams.delete(TOKEN_PARAM);
    page.replaceAddress(`${address.pathname}${address.search}${address.hash}`);
    return fromAddress;
  }
  return readToken(page.storage, key);
}

// Storage can be refused (a privacy setting, a full quota): the token then lives only as long as the page.
function rememberToken(storage: TokenPage['storage'], key: string, token: string): void {
  try {
    storage.setItem(key, token);
  } catch {
    // Nothing to do: this load works; only a reload will ask for the link again.
  }
}

function readToken(storage: TokenPage['storage'], key: string): string | null {
  try {
    return storage.getItem(key) || null;
  } catch {
    return null;
  }
}
