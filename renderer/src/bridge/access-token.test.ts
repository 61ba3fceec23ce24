import { describe, expect, it } from 'vitest';
import { takeAccessToken, tokenStorageKey, type TokenPage } from './access-token';

function fakePage(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const page: TokenPage = {
    href,
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => storage.set(key, value),
    },
    replaceAddress: (address) => replaced.push(address),
  };
  return { page, storage, replaced };
}

describe('takeAccessToken', () => {
  it('takes the token from the address, stores it per port and removes it from the address', () => {
    const { page, storage, replaced } = fakePage('http://127.0.0.1:4321/?token=abc-123&view=wall#queue');
    expect(takeAccessToken(page)).toBe('abc-123');
    expect(storage.get(tokenStorageKey('4321'))).toBe('abc-123');
    expect(replaced).toEqual(['/?view=wall#queue']);
  });

  it('prefers a token in the address over a stored one (a new link after a restart)', () => {
    const { page, storage } = fakePage('http://127.0.0.1:4321/?token=new', {
      [tokenStorageKey('4321')]: 'old',
    });
    expect(takeAccessToken(page)).toBe('new');
    expect(storage.get(tokenStorageKey('4321'))).toBe('new');
  });

  it('falls back to the token stored for this port and leaves the address alone', () => {
    const { page, replaced } = fakePage('http://127.0.0.1:4321/', { [tokenStorageKey('4321')]: 'kept' });
    expect(takeAccessToken(page)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('does not use a token stored for another port', () => {
    const { page } = fakePage('http://127.0.0.1:4321/', { [tokenStorageKey('9999')]: 'other' });
    expect(takeAccessToken(page)).toBeNull();
  });

  it('treats an empty token as none', () => {
    const { page } = fakePage('http://127.0.0.1:4321/?token=');
    expect(takeAccessToken(page)).toBeNull();
  });

  it('still returns the token when storage refuses it', () => {
    const { page } = fakePage('http://127.0.0.1:4321/?token=abc');
    page.storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    page.storage.getItem = () => {
      throw new Error('SecurityError');
    };
    expect(takeAccessToken(page)).toBe('abc');
  });
});
