/**
 * The preload of every DutyDesk window. It runs sandboxed, so esbuild bundles it and it imports only
 * `electron` and the contract. The page gets exactly the contract's calls plus `on`: never ipcRenderer,
 * never an IPC event object (it would carry `sender`).
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  BRIDGE_CALL_CHANNEL,
  BRIDGE_EVENT_CHANNEL,
  BRIDGE_GLOBAL,
  eventNames,
  type BridgeResult,
  type CallArgs,
  type CallName,
  type CallResults,
  type DutyDeskBridge,
  type EventName,
} from './contract';

function call<N extends CallName>(name: N, args: CallArgs<N>): Promise<BridgeResult<CallResults[N]>> {
  // Main parses every argument and answers with a BridgeResult; it never rejects on purpose.
  return ipcRenderer.invoke(BRIDGE_CALL_CHANNEL, name, args) as Promise<BridgeResult<CallResults[N]>>;
}

function isEventName(value: unknown): value is EventName {
  return (eventNames as readonly unknown[]).includes(value);
}

type PayloadListener = (payload: unknown) => void;
const listeners: Record<EventName, Set<PayloadListener>> = {
  status: new Set(),
  queueCounts: new Set(),
  preferences: new Set(),
  alarms: new Set(),
};

// One IPC listener for all subscriptions: one per `on` would trip Node's MaxListenersExceededWarning
// once a dozen components subscribe.
ipcRenderer.on(BRIDGE_EVENT_CHANNEL, (_event, envelope: unknown) => {
  if (typeof envelope !== 'object' || envelope === null || !('event' in envelope) || !('payload' in envelope))
    return;
  if (!isEventName(envelope.event)) return;
  for (const listener of listeners[envelope.event]) {
    try {
      listener(envelope.payload);
    } catch (error) {
      // One failing listener must not keep the event from the others.
      console.error(`[dutydesk] a listener of "${envelope.event}" failed`, error);
    }
  }
});

const bridge = {
  getAppInfo: () => call('getAppInfo', []),
  getStatus: () => call('getStatus', []),
  getQueueCounts: () => call('getQueueCounts', []),
  getPreferences: () => call('getPreferences', []),
  setPreferences: (patch) => call('setPreferences', [patch]),
  signIn: (credentials) => call('signIn', [credentials]),
  signOut: () => call('signOut', []),
  submitAction: (action) => call('submitAction', [action]),
  listUnfinishedActions: () => call('listUnfinishedActions', []),
  retryAction: (retry) => call('retryAction', [retry]),
  discardAction: (discard) => call('discardAction', [discard]),
  getQueuePage: (request) => call('getQueuePage', [request]),
  locateQueueRow: (request) => call('locateQueueRow', [request]),
  getItemDetail: (ref) => call('getItemDetail', [ref]),
  getReadings: (request) => call('getReadings', [request]),
  snoozeWorkPrompt: (snooze) => call('snoozeWorkPrompt', [snooze]),
  dismissWorkPrompt: (dismissal) => call('dismissWorkPrompt', [dismissal]),
  getAlarms: () => call('getAlarms', []),
  acknowledgeAlarms: (request) => call('acknowledgeAlarms', [request]),
  setAlarmMute: (mute) => call('setAlarmMute', [mute]),
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`unknown DutyDesk event ${JSON.stringify(event)}`);
    // A wrapper per subscription, so subscribing one function twice gives two independent subscriptions.
    const subscription: PayloadListener = (payload) => (listener as PayloadListener)(payload);
    listeners[event].add(subscription);
    return () => {
      listeners[event].delete(subscription);
    };
  },
} satisfies DutyDeskBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
