import { describe, expect, it } from 'vitest';
import { bridgeErrorCodes, callNames, locales, queueIds } from '../../../preload/contract';
import { frameMessageKeys, messageModules, messageTables, translate, type MessageKey } from './messages';

describe('message tables', () => {
  const referenceKeys = Object.keys(messageTables['zh-CN']).sort();

  it.each(locales)('%s has exactly the keys of the Chinese table', (locale) => {
    expect(Object.keys(messageTables[locale]).sort()).toEqual(referenceKeys);
  });

  it.each(locales)('%s has no empty text', (locale) => {
    for (const [key, text] of Object.entries(messageTables[locale])) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it.each(locales)('%s uses the same parameters as the Chinese table for every key', (locale) => {
    const parameters = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of referenceKeys as MessageKey[]) {
      expect(parameters(messageTables[locale][key]), key).toEqual(parameters(messageTables['zh-CN'][key]));
    }
  });

  it('gives every key to exactly one table (a domain module never overrides another text)', () => {
    const owners = [frameMessageKeys, ...messageModules.map((module) => Object.keys(module['zh-CN']))];
    const seen = new Set<string>();
    for (const keys of owners) {
      for (const key of keys) {
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
    expect(seen.size).toBe(referenceKeys.length);
  });

  it('names every queue, call and error code of the contract', () => {
    const keys = new Set(referenceKeys);
    for (const id of queueIds) expect(keys).toContain(`queue.${id}`);
    for (const name of callNames) expect(keys).toContain(`call.${name}`);
    for (const code of bridgeErrorCodes) expect(keys).toContain(`error.${code}`);
  });

  it('shows the queues by their Chinese names', () => {
    expect(queueIds.map((id) => translate('zh-CN', `queue.${id}`))).toEqual([
      '红色预警',
      '超期未派单',
      '超期未结案',
      '填报不规范',
      '工作提示',
      '静默场景',
      '设备离线 / 信息报错',
      '同步率异常',
      '值班事项',
    ]);
  });
});

describe('translate', () => {
  it('fills parameters', () => {
    expect(translate('en', 'queues.countLabel', { count: 3 })).toBe('3 items');
    expect(translate('zh-CN', 'status.since', { time: '08:00:00' })).toBe('自 08:00:00');
  });

  it('leaves a placeholder visible when its parameter is missing', () => {
    expect(translate('en', 'status.since', {})).toBe('since {time}');
  });

  it('does not treat inherited properties as parameters', () => {
    expect(
      translate('en', 'status.since', Object.create({ time: 'inherited' }) as Record<string, string>),
    ).toBe('since {time}');
  });
});
