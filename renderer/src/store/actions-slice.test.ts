import { describe, expect, it, vi } from 'vitest';
import type {
  ActionRecord,
  BridgeResult,
  DutyDeskBridge,
  QueueRow,
  ShellStatus,
} from '../../../preload/contract';
import { newDraft, retryDraft, type ActionDraft } from '../components/actions/action-model';
import { alertRow } from '../queues/test-rows';
import { createAppStore, type AppStore } from './app-store';
import type { RowMark } from './selection-slice';

const NOW = Date.parse('2025-07-10T02:00:00.000Z');
const ok = <T>(value: T): BridgeResult<T> => ({ ok: true, value });
const refused = (message: string): BridgeResult<never> => ({
  ok: false,
  error: { code: 'ACTION_REFUSED', message },
});

/** A bridge answering only the calls a test gives; any other call is a failure the test would see. */
function fakeBridge(answers: Partial<Record<keyof DutyDeskBridge, (...args: never[]) => unknown>>) {
  const calls: { name: string; args: unknown[] }[] = [];
  const bridge = new Proxy({} as DutyDeskBridge, {
    get: (_target, name: string) => {
      if (name === 'on') return () => () => undefined;
      return (...args: unknown[]) => {
        calls.push({ name, args });
        const answer = answers[name as keyof DutyDeskBridge];
        return Promise.resolve(
          answer
            ? (answer as (...a: unknown[]) => unknown)(...args)
            : { ok: false, error: { code: 'UNREACHABLE', message: `${name} not faked` } },
        );
      };
    },
  });
  return { bridge, calls };
}

const row: QueueRow = alertRow({ sceneName: null, category: null, location: null, since: null });

const record = (overrides: Partial<ActionRecord> = {}): ActionRecord => ({
  mutationId: 'm-1',
  name: 'verifyAlert',
  args: { alertId: 'A1', significant: true, assessment: '燃气泄漏' },
  createdAt: new Date(NOW).toISOString(),
  operatorId: 'op-zhangmin',
  operatorName: '张敏',
  state: 'pending',
  attempts: 0,
  lastError: null,
  rejectedCode: null,
  rejectedMessage: null,
  ...overrides,
});

/** The row after the selected one in the grid the store is given. */
const nextRow: RowMark = { index: 4, key: 'alert:A2' };

function signedInStore(bridge: DutyDeskBridge): {
  store: AppStore;
  grid: {
    rowAfterAction: ReturnType<typeof vi.fn<(selectedKey: string | null) => RowMark | null>>;
    refreshAndSelect: ReturnType<typeof vi.fn<(mark: RowMark | null) => void>>;
    focusSelected: ReturnType<typeof vi.fn>;
  };
} {
  const store = createAppStore({ bridge, monoNow: () => 0 });
  store.getState().applyStatus({
    serverTime: new Date(NOW).toISOString(),
    operator: { id: 'op-zhangmin', name: '张敏', role: 'operator' },
    pendingActions: 0,
    rejectedActions: 0,
  } as ShellStatus);
  const grid = {
    rowAfterAction: vi.fn<(selectedKey: string | null) => RowMark | null>(() => nextRow),
    refreshAndSelect: vi.fn<(mark: RowMark | null) => void>(),
    focusSelected: vi.fn(),
  };
  store.getState().setGridControl(grid);
  store.getState().selectRow(row);
  return { store, grid };
}

function verifyDraft(store: AppStore): ActionDraft {
  const state = store.getState();
  const draft = newDraft(
    'verify',
    { row, detail: null, queue: 'redAlerts' },
    state.actionEnvironment(),
    { templateMessage: () => '' },
    () => 'id',
  );
  if (!draft) throw new Error('verify applies to an unverified red alert');
  return draft;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('submitting an action', () => {
  it('sends nothing while a required field is empty, and names the fields', async () => {
    const { bridge, calls } = fakeBridge({});
    const { store } = signedInStore(bridge);
    store.getState().openActionDraft(verifyDraft(store));
    expect(await store.getState().submitActionDraft()).toBe(false);
    expect(Object.keys(store.getState().actionProblems)).toEqual(['significant', 'assessment']);
    expect(calls).toEqual([]);
    // Typing clears that field's problem only.
    store.getState().setDraftValue('assessment', '燃气泄漏');
    expect(Object.keys(store.getState().actionProblems)).toEqual(['significant']);
  });

  it('on success closes the form, says it is pending, and selects the row that was next when it was sent', async () => {
    let gridRefreshed = (): void => undefined;
    const { bridge, calls } = fakeBridge({
      submitAction: () => {
        // A sync refreshes the grid before the reply comes: the acted row has moved, another row is after it.
        gridRefreshed();
        return ok(record());
      },
    });
    const { store, grid } = signedInStore(bridge);
    gridRefreshed = () => grid.rowAfterAction.mockReturnValue({ index: 4, key: 'alert:A7' });
    store.getState().openActionDraft(verifyDraft(store));
    store.getState().setDraftValue('significant', 'yes');
    store.getState().setDraftValue('assessment', '燃气泄漏');
    expect(await store.getState().submitActionDraft()).toBe(true);
    expect(calls.filter((call) => call.name === 'submitAction')).toEqual([
      {
        name: 'submitAction',
        args: [{ name: 'verifyAlert', args: { alertId: 'A1', significant: true, assessment: '燃气泄漏' } }],
      },
    ]);
    const state = store.getState();
    expect(state.actionDraft).toBeNull();
    expect(state.actionNotice).toEqual({ kind: 'queued', action: 'verifyAlert', subject: 'alert:A1' });
    expect(state.trackedAction?.mutationId).toBe('m-1');
    await flush();
    expect(grid.refreshAndSelect.mock.calls).toEqual([[nextRow]]);
  });

  it('on a refusal keeps the form with everything typed, and the reason', async () => {
    const { bridge } = fakeBridge({ submitAction: () => refused('assessment: too long') });
    const { store, grid } = signedInStore(bridge);
    store.getState().openActionDraft(verifyDraft(store));
    store.getState().setDraftValue('significant', 'no');
    store.getState().setDraftValue('assessment', '误报');
    expect(await store.getState().submitActionDraft()).toBe(false);
    const state = store.getState();
    expect(state.actionDraft?.values).toEqual({ significant: 'no', assessment: '误报' });
    expect(state.actionFailure).toEqual({ code: 'ACTION_REFUSED', message: 'assessment: too long' });
    expect(state.actionSubmitting).toBe(false);
    await flush();
    expect(grid.refreshAndSelect).not.toHaveBeenCalled();
  });

  it('a form-less action (claim) that fails says so on the notice line', async () => {
    const { bridge } = fakeBridge({ submitAction: () => refused('subject: no alert A1') });
    const { store } = signedInStore(bridge);
    const claim = newDraft(
      'claim',
      { row, detail: null, queue: 'redAlerts' },
      store.getState().actionEnvironment(),
      { templateMessage: () => '' },
      () => 'id',
    );
    if (!claim) throw new Error('claim applies');
    expect(await store.getState().submitActionDraft(claim)).toBe(false);
    expect(store.getState().actionNotice).toMatchObject({
      kind: 'failed',
      error: { code: 'ACTION_REFUSED' },
    });
  });

  it('follows the action until the platform applies or rejects it', async () => {
    let unfinished: ActionRecord[] = [record()];
    const { bridge } = fakeBridge({
      submitAction: () => ok(record()),
      listUnfinishedActions: () => ok(unfinished),
    });
    const { store } = signedInStore(bridge);
    store
      .getState()
      .openActionDraft({ ...verifyDraft(store), values: { significant: 'yes', assessment: 'x' } });
    await store.getState().submitActionDraft();
    await store.getState().followTrackedAction();
    expect(store.getState().actionNotice?.kind).toBe('queued');
    unfinished = [];
    await store.getState().followTrackedAction();
    expect(store.getState().actionNotice).toEqual({
      kind: 'applied',
      action: 'verifyAlert',
      subject: 'alert:A1',
    });

    unfinished = [
      record({
        mutationId: 'm-2',
        state: 'rejected',
        rejectedCode: 'INVALID_STATE',
        rejectedMessage: 'already verified',
      }),
    ];
    store.setState({ trackedAction: { mutationId: 'm-2', name: 'verifyAlert', subject: 'alert:A1' } });
    await store.getState().followTrackedAction();
    expect(store.getState().actionNotice).toEqual({
      kind: 'rejected',
      action: 'verifyAlert',
      subject: 'alert:A1',
      reason: 'already verified',
    });
  });
});

describe('the pending and rejected panel', () => {
  const rejectedRecord = record({
    state: 'rejected',
    attempts: 1,
    rejectedCode: 'INVALID_STATE',
    rejectedMessage: 'alert A1 was already verified by op-liqiang',
  });

  it('retries a rejected action after editing, then comes back to the panel', async () => {
    let unfinished = [rejectedRecord];
    const { bridge, calls } = fakeBridge({
      listUnfinishedActions: () => ok(unfinished),
      retryAction: () => {
        unfinished = [record({ mutationId: 'm-9' })];
        return ok(record({ mutationId: 'm-9' }));
      },
    });
    const { store, grid } = signedInStore(bridge);
    store.getState().openActionsPanel();
    await flush();
    expect(store.getState().unfinishedActions).toEqual([rejectedRecord]);

    await store.getState().retryRejectedAction('m-1');
    const draft = store.getState().actionDraft;
    expect(draft).toEqual(retryDraft(rejectedRecord, 'Asia/Shanghai'));
    expect(store.getState().actionsPanelOpen).toBe(false);

    store.getState().setDraftValue('assessment', '现场复核：燃气泄漏已控制');
    expect(await store.getState().submitActionDraft()).toBe(true);
    expect(calls.find((call) => call.name === 'retryAction')?.args).toEqual([
      {
        mutationId: 'm-1',
        args: { alertId: 'A1', significant: true, assessment: '现场复核：燃气泄漏已控制' },
      },
    ]);
    await flush();
    const state = store.getState();
    expect(state.actionsPanelOpen).toBe(true);
    expect(state.unfinishedActions?.map((action) => action.mutationId)).toEqual(['m-9']);
    expect(state.actionNotice).toMatchObject({ kind: 'retried', action: 'verifyAlert' });
    // Back to the panel, not to the grid.
    expect(grid.refreshAndSelect).not.toHaveBeenCalled();
  });

  it('cancelling the retry form returns to the panel with nothing sent', async () => {
    const { bridge, calls } = fakeBridge({ listUnfinishedActions: () => ok([rejectedRecord]) });
    const { store } = signedInStore(bridge);
    store.getState().openActionsPanel();
    await flush();
    await store.getState().retryRejectedAction('m-1');
    store.getState().cancelActionDraft();
    expect(store.getState().actionsPanelOpen).toBe(true);
    expect(store.getState().actionDraft).toBeNull();
    expect(calls.map((call) => call.name)).toEqual(['listUnfinishedActions']);
  });

  it('discards a rejected action and reads the list again', async () => {
    let unfinished = [rejectedRecord];
    const { bridge, calls } = fakeBridge({
      listUnfinishedActions: () => ok(unfinished),
      discardAction: () => {
        unfinished = [];
        return ok(null);
      },
    });
    const { store } = signedInStore(bridge);
    store.getState().openActionsPanel();
    await flush();
    expect(await store.getState().discardRejectedAction('m-1')).toBe(true);
    expect(calls.filter((call) => call.name === 'discardAction').map((call) => call.args)).toEqual([
      [{ mutationId: 'm-1' }],
    ]);
    expect(store.getState().unfinishedActions).toEqual([]);
    expect(store.getState().actionNotice).toEqual({ kind: 'discarded', action: 'verifyAlert' });
  });

  it('shows why the list could not be read', async () => {
    const { bridge } = fakeBridge({});
    const { store } = signedInStore(bridge);
    store.getState().openActionsPanel();
    await flush();
    expect(store.getState().unfinishedFailure?.code).toBe('UNREACHABLE');
  });
});

describe('the selected row’s detail', () => {
  it('is dropped once an action on it is accepted, with any read still on its way', async () => {
    const answers: ((value: BridgeResult<unknown>) => void)[] = [];
    const { bridge } = fakeBridge({
      submitAction: () => ok(record()),
      getItemDetail: () => new Promise((resolve) => answers.push(resolve)),
    });
    const { store } = signedInStore(bridge);
    const read = store.getState().loadActionDetail(row);
    await flush();
    answers[0]?.(ok({ ref: { entity: 'alert', id: 'A1' }, alert: { verification: null } }));
    await read;
    expect(store.getState().actionDetail?.key).toBe('alert:A1');
    const onItsWay = store.getState().loadActionDetail(row);
    store.getState().openActionDraft(verifyDraft(store));
    store.getState().setDraftValue('significant', 'yes');
    store.getState().setDraftValue('assessment', '燃气泄漏');
    expect(await store.getState().submitActionDraft()).toBe(true);
    expect(store.getState().actionDetail).toBeNull();
    // The read made before the action answers after it: what it says is no longer so.
    answers[1]?.(ok({ ref: { entity: 'alert', id: 'A1' }, alert: { verification: null } }));
    await onItsWay;
    expect(store.getState().actionDetail).toBeNull();
  });

  it('keeps only the answer of the latest read', async () => {
    const answers: ((value: BridgeResult<unknown>) => void)[] = [];
    const { bridge } = fakeBridge({
      getItemDetail: () => new Promise((resolve) => answers.push(resolve)),
    });
    const { store } = signedInStore(bridge);
    const first = store.getState().loadActionDetail(row);
    const second = store.getState().loadActionDetail({ ...row, key: 'alert:A2', id: 'A2' });
    await flush();
    answers[1]?.(ok({ ref: { entity: 'alert', id: 'A2' } }));
    answers[0]?.(ok({ ref: { entity: 'alert', id: 'A1' } }));
    await Promise.all([first, second]);
    expect(store.getState().actionDetail?.key).toBe('alert:A2');
  });
});

describe('snooze and dismiss (this workstation only)', () => {
  const prompt: QueueRow = {
    ...row,
    key: 'workPrompt:P1',
    entity: 'workPrompt',
    id: 'P1',
    level: null,
    title: '场景超过 1 天无预警',
    category: 'scene-silent',
    status: 'raised',
    detail: 'scene:S1',
  };

  function snoozeDraft(store: AppStore): ActionDraft {
    const draft = newDraft(
      'snooze',
      { row: prompt, detail: null, queue: 'workPrompts' },
      store.getState().actionEnvironment(),
      { templateMessage: () => '' },
      () => 'id',
    );
    if (!draft) throw new Error('snooze applies to a prompt raised here');
    return { ...draft, values: { until: '2025-07-10 12:00', reason: '场景维护中' } };
  }

  it('a snooze the workstation accepts closes the form and says until when', async () => {
    const { bridge, calls } = fakeBridge({ snoozeWorkPrompt: () => ok(null) });
    const { store, grid } = signedInStore(bridge);
    store.getState().selectRow(prompt);
    store.getState().openActionDraft(snoozeDraft(store));
    expect(await store.getState().submitActionDraft()).toBe(true);
    expect(calls).toEqual([
      {
        name: 'snoozeWorkPrompt',
        args: [{ promptId: 'P1', until: '2025-07-10T04:00:00.000Z', reason: '场景维护中' }],
      },
    ]);
    expect(store.getState().actionDraft).toBeNull();
    expect(store.getState().actionNotice).toEqual({
      kind: 'snoozed',
      subject: '场景超过 1 天无预警',
      untilMs: Date.parse('2025-07-10T04:00:00.000Z'),
    });
    await flush();
    expect(grid.refreshAndSelect.mock.calls).toEqual([[nextRow]]);
  });

  it('a refused snooze keeps the form and the reason', async () => {
    const { bridge } = fakeBridge({ snoozeWorkPrompt: () => refused('until: must be within 72 hours') });
    const { store } = signedInStore(bridge);
    store.getState().openActionDraft(snoozeDraft(store));
    expect(await store.getState().submitActionDraft()).toBe(false);
    expect(store.getState().actionDraft?.values).toEqual({ until: '2025-07-10 12:00', reason: '场景维护中' });
    expect(store.getState().actionFailure?.message).toBe('until: must be within 72 hours');
  });
});

describe('an answer faster than the reply', () => {
  it('shows the rejection even when the platform answered before the submit’s reply arrived', async () => {
    const rejectedNow = record({
      state: 'rejected',
      rejectedCode: 'INVALID_STATE',
      rejectedMessage: 'already verified',
    });
    const { bridge } = fakeBridge({
      submitAction: () => ok(record()),
      // By the time the reply is read, the action is already rejected (and no status change will follow).
      listUnfinishedActions: () => ok([rejectedNow]),
    });
    const { store } = signedInStore(bridge);
    store
      .getState()
      .openActionDraft({ ...verifyDraft(store), values: { significant: 'yes', assessment: 'x' } });
    await store.getState().submitActionDraft();
    await flush();
    expect(store.getState().actionNotice).toMatchObject({ kind: 'rejected', reason: 'already verified' });
  });
});
