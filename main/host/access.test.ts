import { describe, expect, it } from 'vitest';
import { AccessPolicy, bearerToken, cookieValue, createAccessToken, tokensEqual } from './access';

describe('access policy of browser mode', () => {
  const policy = new AccessPolicy('secret-token', 4321);

  it('makes a fresh, long, URL-safe token every time', () => {
    const a = createAccessToken();
    const b = createAccessToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[\w-]{43}$/);
  });

  it('accepts only loopback names on our port as Host', () => {
    expect(policy.hostAllowed('127.0.0.1:4321')).toBe(true);
    expect(policy.hostAllowed('localhost:4321')).toBe(true);
    expect(policy.hostAllowed('LOCALHOST:4321')).toBe(true);
    expect(policy.hostAllowed('127.0.0.1:4322')).toBe(false);
    expect(policy.hostAllowed('rebind.attacker.example:4321')).toBe(false);
    expect(policy.hostAllowed(undefined)).toBe(false);
  });

  it('accepts our own Origin or none, never another', () => {
    expect(policy.originAllowed(undefined)).toBe(true);
    expect(policy.originAllowed('http://127.0.0.1:4321')).toBe(true);
    expect(policy.originAllowed('http://localhost:4321')).toBe(true);
    expect(policy.originAllowed('http://127.0.0.1:9999')).toBe(false);
    expect(policy.originAllowed('null')).toBe(false);
    expect(policy.originAllowed('https://evil.example')).toBe(false);
  });

  it('compares tokens exactly', () => {
    expect(policy.tokenValid('secret-token')).toBe(true);
    expect(policy.tokenValid('secret-tokeN')).toBe(false);
    expect(policy.tokenValid('secret')).toBe(false);
    expect(policy.tokenValid(null)).toBe(false);
    expect(tokensEqual('a', undefined)).toBe(false);
  });

  it('reads bearer tokens and cookies', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(cookieValue('a=1; dutydesk_token_4321=xyz; b=2', policy.cookieName)).toBe('xyz');
    expect(cookieValue('dutydesk_token_1=xyz', policy.cookieName)).toBeNull();
  });
});
