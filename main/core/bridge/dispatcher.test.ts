import { describe, expect, it, vi } from 'vitest';
import { BridgeFailure, createDispatcher, type BridgeHandlers } from './dispatcher';

function handlers(overrides: Partial<BridgeHandlers> = {}): BridgeHandlers {
  return {
    getAppInfo: () => ({
      name: 'DutyDesk',
      version: '0.0.0-test',
      mode: 'browser',
      demo: false,
      dataDir: '/tmp/x',
      platformTimeZone: 'Asia/Shanghai',
    }),
    getStatus: () => {
      throw new Error('not used');
    },
    getQueueCounts: () => {
      throw new Error('not used');
    },
    getPreferences: () => ({ locale: 'zh-CN', theme: 'dark' }),
    setPreferences: (patch) => ({ locale: patch.locale ?? 'zh-CN', theme: patch.theme ?? 'dark' }),
    signIn: ({ username }) => ({ id: `op-${username}`, name: username, role: 'operator' }),
    signOut: () => null,
    submitAction: () => {
      throw new Error('not used');
    },
    listUnfinishedActions: () => [],
    retryAction: () => {
      throw new Error('not used');
    },
    discardAction: () => null,
    getQueuePage: () => ({ rows: [], total: 0, dataAsOf: null }),
    locateQueueRow: () => ({ index: null }),
    getItemDetail: () => {
      throw new Error('not used');
    },
    getReadings: () => {
      throw new Error('not used');
    },
    snoozeWorkPrompt: () => {
      throw new Error('not used');
    },
    dismissWorkPrompt: () => {
      throw new Error('not used');
    },
    getAlarms: () => {
      throw new Error('not used');
    },
    acknowledgeAlarms: () => {
      throw new Error('not used');
    },
    setAlarmMute: () => {
      throw new Error('not used');
    },
    ...overrides,
  };
}

describe('createDispatcher', () => {
  const logError = vi.fn();

  it('answers a valid call with ok and the value', async () => {
    const dispatch = createDispatcher(handlers(), logError);
    await expect(dispatch('setPreferences', [{ theme: 'light' }])).resolves.toEqual({
      ok: true,
      value: { locale: 'zh-CN', theme: 'light' },
    });
  });

  it('refuses an unknown call name, including names inherited from Object.prototype', async () => {
    const dispatch = createDispatcher(handlers(), logError);
    for (const name of ['dropDatabase', 'toString', '__proto__', 42, null]) {
      const result = await dispatch(name, []);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    }
  });

  it('rejects invalid arguments with a message that names the field', async () => {
    const dispatch = createDispatcher(handlers(), logError);
    const result = await dispatch('setPreferences', [{ theme: 'purple' }]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENT');
      expect(result.error.message).toContain('setPreferences');
      expect(result.error.message).toContain('[0].theme');
    }
  });

  it('rejects unexpected extra fields and extra arguments', async () => {
    const dispatch = createDispatcher(handlers(), logError);
    expect(await dispatch('setPreferences', [{ theme: 'dark', admin: true }])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await dispatch('getAppInfo', ['surplus'])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await dispatch('getAppInfo', 'not-an-array')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });

  it('turns a BridgeFailure into its own code and any other error into INTERNAL, never a throw', async () => {
    const log = vi.fn();
    const dispatch = createDispatcher(
      handlers({
        getPreferences: () => {
          throw new BridgeFailure('UNAVAILABLE', 'cache is opening');
        },
        getAppInfo: () => Promise.reject(new Error('disk on fire')),
      }),
      log,
    );
    expect(await dispatch('getPreferences', [])).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'cache is opening' },
    });
    const internal = await dispatch('getAppInfo', []);
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    // The detail goes to the log, not to the renderer.
    expect(JSON.stringify(internal)).not.toContain('disk on fire');
    expect(log).toHaveBeenCalledOnce();
  });
});
