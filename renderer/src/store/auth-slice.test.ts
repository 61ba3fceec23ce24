import { describe, expect, it } from 'vitest';
import type { BridgeResult, DutyDeskBridge, OperatorSummary, ShellStatus } from '../../../preload/contract';
import { createAppStore } from './app-store';

const ok = <T>(value: T): BridgeResult<T> => ({ ok: true, value });
const operator: OperatorSummary = { id: 'op-1', name: '张敏', role: 'operator' };
const status = (signedIn: OperatorSummary | null): ShellStatus => ({
  connection: {
    state: 'online',
    since: '2025-03-01T00:00:00.000Z',
    centralUrl: 'http://central',
    lastError: null,
  },
  sync: null,
  sessionExpired: false,
  notices: [],
  lastSyncAt: null,
  serverTime: '2025-03-01T00:00:06.000Z',
  pendingActions: 0,
  rejectedActions: 0,
  heldActions: null,
  operator: signedIn,
});

/** A bridge with one account, zhangmin / zhangmin-demo; other calls are not expected. */
function accountBridge(): DutyDeskBridge {
  let signedIn: OperatorSummary | null = null;
  const unexpected = () => Promise.reject(new Error('not expected in this test'));
  return {
    getAppInfo: unexpected,
    getQueueCounts: unexpected,
    getPreferences: unexpected,
    setPreferences: unexpected,
    submitAction: unexpected,
    listUnfinishedActions: unexpected,
    retryAction: unexpected,
    discardAction: unexpected,
    locateQueueRow: unexpected,
    getItemDetail: unexpected,
    getReadings: unexpected,
    snoozeWorkPrompt: unexpected,
    dismissWorkPrompt: unexpected,
    getAlarms: unexpected,
    acknowledgeAlarms: unexpected,
    setAlarmMute: unexpected,
    getStatus: () => Promise.resolve(ok(status(signedIn))),
    signIn: ({ username, password }) => {
      if (username !== 'zhangmin' || password !== 'zhangmin-demo') {
        return Promise.resolve({ ok: false, error: { code: 'SIGN_IN_REFUSED', message: 'refused' } });
      }
      signedIn = operator;
      return Promise.resolve(ok(operator));
    },
    signOut: () => {
      signedIn = null;
      return Promise.resolve(ok(null));
    },
    getQueuePage: ({ offset, limit }) =>
      Promise.resolve(ok({ rows: [], total: offset + limit + 1, dataAsOf: null })),
    on: () => () => undefined,
  };
}

describe('signing in and out', () => {
  it('keeps a refusal on the form, not in the failure banner', async () => {
    const store = createAppStore({ bridge: accountBridge(), monoNow: () => 0 });
    expect(await store.getState().signIn('zhangmin', 'wrong')).toBe(false);
    expect(store.getState().signInError).toBe('SIGN_IN_REFUSED');
    expect(store.getState().signingIn).toBe(false);
    expect(store.getState().failures).toEqual([]);
  });

  it('reads the new status after a sign-in, and closes a form opened for an expired session', async () => {
    const store = createAppStore({ bridge: accountBridge(), monoNow: () => 0 });
    store.getState().openSignInForm();
    expect(await store.getState().signIn('zhangmin', 'zhangmin-demo')).toBe(true);
    expect(store.getState().status?.operator).toEqual(operator);
    expect(store.getState().signInFormOpen).toBe(false);
    expect(store.getState().signInError).toBeNull();

    await store.getState().signOut();
    expect(store.getState().status?.operator).toBeNull();
  });

  it('clears the last error when the form is opened again', async () => {
    const store = createAppStore({ bridge: accountBridge(), monoNow: () => 0 });
    await store.getState().signIn('nobody', 'x');
    store.getState().openSignInForm();
    expect(store.getState().signInError).toBeNull();
  });

  it('asks the bridge for one page of a queue', async () => {
    const store = createAppStore({ bridge: accountBridge(), monoNow: () => 0 });
    const page = await store.getState().loadQueuePage('undispatched', 100, 100);
    expect(page?.total).toBe(201);
  });
});
