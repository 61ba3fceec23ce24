import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../core/csp';
import { createAppProtocolHandler } from './app-protocol';

describe('app protocol', () => {
  let workDir: string;
  let rendererRoot: string;
  const warn = vi.fn();

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-protocol-'));
    rendererRoot = path.join(workDir, 'renderer');
    fs.mkdirSync(path.join(rendererRoot, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><title>值班台</title>');
    fs.writeFileSync(path.join(rendererRoot, 'assets', 'app.js'), 'console.log(1);');
    fs.writeFileSync(path.join(workDir, 'secret.txt'), 'secret');
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  const handler = (readFile = (file: string) => fs.promises.readFile(file)) =>
    createAppProtocolHandler({ rendererRoot, readFile, logger: { warn } });

  it('serves index.html for the root with the CSP and a content type', async () => {
    const response = await handler()(new Request('app://dutydesk/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('值班台');
  });

  it('serves assets with their type, and HEAD without a body', async () => {
    const get = await handler()(new Request('app://dutydesk/assets/app.js'));
    expect(get.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await get.text()).toBe('console.log(1);');
    const head = await handler()(new Request('app://dutydesk/assets/app.js', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('15');
    expect(await head.text()).toBe('');
  });

  it('answers 404 outside the renderer folder, for missing files and for directories', async () => {
    for (const url of [
      'app://dutydesk/%2e%2e/secret.txt',
      'app://dutydesk/assets/..%2f..%2fsecret.txt',
      'app://dutydesk/missing.js',
      'app://dutydesk/assets/',
      'app://elsewhere/index.html',
    ]) {
      const response = await handler()(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('secret');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await handler()(new Request('app://dutydesk/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });

  it('answers 500 and logs when a file exists but cannot be read', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const response = await handler(() => Promise.reject(denied))(new Request('app://dutydesk/index.html'));
    expect(response.status).toBe(500);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('index.html'), denied);
  });
});
