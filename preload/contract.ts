/**
 * The bridge contract: every call the renderer may make and every event it may receive.
 *
 * This file is the single source of truth shared by the preload (Electron), the browser-mode client
 * (renderer/src/bridge) and the dispatcher in main. It imports nothing of the app (lint enforces it):
 * only zod, so that main can parse every argument with the very schemas the types come from.
 */
import { z } from 'zod';

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'dutydesk';
/** Electron IPC channel for calls (ipcRenderer.invoke -> ipcMain.handle). */
export const BRIDGE_CALL_CHANNEL = 'dutydesk:call';
/** Electron IPC channel for events (webContents.send -> ipcRenderer.on). */
export const BRIDGE_EVENT_CHANNEL = 'dutydesk:event';

// ---------------------------------------------------------------------------------------------
// Shared vocabulary

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const themes = ['dark', 'light'] as const;
export type Theme = (typeof themes)[number];

/**
 * The triage queues, in the order the left column shows them. The identifiers follow
 * ../shared/DESIGN.md; the UI shows the Chinese names (红色预警, 超期未派单, ...).
 */
export const queueIds = [
  'redAlerts',
  'undispatched',
  'overdueClosure',
  'nonStandard',
  'workPrompts',
  'silentScenes',
  'deviceIssues',
  'syncRate',
  'dutyItems',
] as const;
export type QueueId = (typeof queueIds)[number];

/** The columns of a queue's grid; the ones a page may be sorted and filtered by. */
export const queueColumns = [
  'level',
  'title',
  'scene',
  'category',
  'location',
  'elapsed',
  'dueIn',
  'handler',
  'status',
  'claimedBy',
  'detail',
] as const;
export type QueueColumn = (typeof queueColumns)[number];

export interface QueueSort {
  column: QueueColumn;
  direction: 'asc' | 'desc';
}

/** The columns that hold text (or codes shown as text): the ones a filter may search; the time columns only sort. */
export const queueTextColumns = [
  'level',
  'title',
  'scene',
  'category',
  'location',
  'handler',
  'status',
  'claimedBy',
  'detail',
] as const satisfies readonly QueueColumn[];
export type QueueTextColumn = (typeof queueTextColumns)[number];

/**
 * The codes of a column whose names contain the operator's text. The cache holds codes ('red', 'handling',
 * 'gasPipeline'); the operator types the names the grid shows (红, 处置中, 燃气管线). The renderer, which owns the
 * names, translates the text into codes; the core matches a row whose code is one of them.
 */
export interface QueueCodeMatch {
  column: QueueTextColumn;
  codes: string[];
}

/** A column filter: rows whose column's text contains `contains` (case-insensitive), or whose code is in `codes`. */
export interface QueueColumnFilter {
  column: QueueTextColumn;
  contains: string;
  codes?: string[];
}

export type QueueCounts = Record<QueueId, number>;

export interface QueueCountsSnapshot {
  counts: QueueCounts;
  /** Server-clock instant (ISO 8601, UTC) of the newest data the counts were computed from, or null before any sync. */
  dataAsOf: string | null;
}

export type ConnectionState = 'online' | 'degraded' | 'offline' | 'unconfigured';

export interface ConnectionStatus {
  state: ConnectionState;
  /** When the current state began (ISO 8601, UTC, server clock). */
  since: string;
  /** The central API base URL the workstation talks to, or null when none is configured. */
  centralUrl: string | null;
  /** The last failure in plain words (for the status bar's tooltip), or null. */
  lastError: string | null;
}

export type OperatorRole = 'operator' | 'shiftLead';

export interface OperatorSummary {
  id: string;
  name: string;
  role: OperatorRole;
}

export interface SyncProgress {
  /** initial: the first full sync is running; live: caught up, following the feed. */
  stage: 'initial' | 'live';
  /** While initial: whether every open item has arrived (the queues are complete). */
  openItemsComplete: boolean;
  recordsApplied: number;
  bytesReceived: number;
  /** Recent rate of the pull, or null when not measured. */
  rowsPerSecond: number | null;
  /**
   * While initial: the records the whole initial sync is expected to apply (applied + what the platform says
   * remains, an estimate), or null when the platform does not say.
   */
  recordsTotal: number | null;
  /** While initial: the time left at the recent rate, in seconds, or null when unknown. */
  etaSeconds: number | null;
}

/** Something the operator must be told; the renderer words it in the operator's language. */
export type ShellNotice =
  | { kind: 'cacheRebuilt'; movedTo: string; recoveredActions: number }
  | { kind: 'rulesOverrideRefused'; detail: string };

export interface ShellStatus {
  connection: ConnectionStatus;
  /** Progress of the sync with the central platform, or null when no platform is configured. */
  sync: SyncProgress | null;
  /** The central platform refused the session: the operator keeps working and is asked to sign in again. */
  sessionExpired: boolean;
  /** What the operator must be told (the local cache was damaged and rebuilt, a rules override was refused...). */
  notices: ShellNotice[];
  /** Last successful sync with the central platform (ISO 8601, UTC), or null. */
  lastSyncAt: string | null;
  /** The central platform's time when this snapshot was taken (ISO 8601, UTC), or null before it was measured. */
  serverTime: string | null;
  /** Actions written locally and not yet confirmed by the central platform. */
  pendingActions: number;
  /** Actions the central platform refused; they wait for the operator to retry or discard them. */
  rejectedActions: number;
  /**
   * The oldest unsent actions were taken by another operator than the one signed in: the platform records
   * the signed-in operator as the actor, so they wait (and the actions behind them) until that operator
   * signs in again here. Null when nothing waits for anyone.
   */
  heldActions: { operatorId: string; operatorName: string; count: number } | null;
  /** The signed-in operator, or null. */
  operator: OperatorSummary | null;
}

/** One row of a triage queue, whatever the entity behind it (alert, scene, device, work prompt). */
export interface QueueRow {
  /** Stable across pages: `<entity>:<id>`. */
  key: string;
  entity: 'alert' | 'scene' | 'device' | 'workPrompt';
  id: string;
  /** Alert level, when the row is an alert. */
  level: 'red' | 'orange' | 'yellow' | 'blue' | null;
  title: string;
  sceneName: string | null;
  category: string | null;
  location: string | null;
  /** The instant the elapsed time counts from (reported, went silent, went offline...). */
  since: string | null;
  /** When the row's duty falls due (deadline, prompt due time), or null. */
  dueAt: string | null;
  handler: string | null;
  status: string;
  /** The operator whose workstation has claimed the item, or null. */
  claimedBy: string | null;
  /** What makes the row belong to its queue, in words (missing elements, stage, rate). */
  detail: string | null;
}

/** Where an item's row stands in a queue's view (0 first), or null when the view does not hold it. */
export interface QueueRowLocation {
  index: number | null;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Rows in the whole queue. */
  total: number;
  /** When the data was last synced (ISO), or null before any sync. */
  dataAsOf: string | null;
}

export const actionNames = [
  'verifyAlert',
  'startMajorLoop',
  'issueWorkPrompt',
  'acknowledgeWorkPrompt',
  'resolveWorkPrompt',
  'addNote',
  'claimItem',
  'releaseItem',
  'recordHandover',
] as const;
export type ActionName = (typeof actionNames)[number];

export type ActionState = 'pending' | 'applied' | 'rejected' | 'discarded';

/** An operator action as the outbox holds it. */
export interface ActionRecord {
  mutationId: string;
  name: ActionName;
  args: unknown;
  createdAt: string;
  operatorId: string;
  operatorName: string;
  state: ActionState;
  attempts: number;
  lastError: string | null;
  rejectedCode: string | null;
  rejectedMessage: string | null;
}

/** What a detail pane, an action or a claim is about. */
export interface ItemRef {
  entity: QueueRow['entity'];
  id: string;
}

/** The key of an item's queue row (QueueRow.key). */
export const itemKey = (item: ItemRef): string => `${item.entity}:${item.id}`;

/** One required element of an alert (要素信息) and whether it is missing or malformed. */
export interface AlertElement {
  key: string;
  label: string;
  value: string | null;
  problem: 'missing' | 'malformed' | null;
  problemDetail: string | null;
}

export interface ReadingsSummary {
  elementName: string;
  unit: string;
  direction: 'above' | 'below';
  threshold: number;
  peak: number;
  latest: number;
  samplesBeyondThreshold: number;
  exceededAt: string;
}

export interface WorkOrderSummary {
  id: string;
  status: string;
  deadlineAt: string;
  closedAt: string | null;
  dispatchedAt: string | null;
  /** When the handler reached the site, or null. */
  arrivedAt: string | null;
  handler: { name: string; unit: string | null; phone: string | null } | null;
  measures: string[];
  /** The handler's report at closure (处置反馈), or null. */
  feedback: string | null;
}

/** One line of an item's timeline: push records, handling steps, notes, prompts. */
export interface TimelineItem {
  id: string;
  at: string;
  /** push, dispatch, arrive, handle, close, note, prompt, verify, majorLoop... as the platform names them. */
  kind: string;
  actor: string | null;
  text: string | null;
  /** Written on this workstation and not yet confirmed by the central platform. */
  pending: boolean;
}

export interface ClaimSummary {
  operatorId: string;
  operatorName: string;
  expiresAt: string;
  /** Claimed by the operator signed in here. */
  mine: boolean;
  pending: boolean;
}

/** A work prompt about the item (raised by the rules here, or issued on the platform). */
export interface PromptSummary {
  id: string;
  rule: string;
  /** raised (here, not yet issued), issued, acknowledged, resolved. */
  state: string;
  reason: string;
  recipientRole: string | null;
  dueAt: string | null;
  snoozedUntil: string | null;
  /** The message the rule suggests, to prefill the issue form. */
  suggestedMessage: string | null;
  /** The rule's title (超期未派单, 红色预警事件...), or null for a rule this workstation does not know. */
  title: string | null;
  /** When the rules raised it here (or the platform issued it), or null. */
  raisedAt: string | null;
  /** The message sent with it once issued on the platform, or null. */
  message: string | null;
  /** Issued (or acknowledged, resolved) on this workstation and not yet confirmed by the central platform. */
  pending: boolean;
}

/** A scene (场景 / 分平台 / 区域平台) as the cache knows it. */
export interface SceneSummary {
  id: string;
  name: string;
  kind: string;
  category: string | null;
  department: string | null;
  street: string | null;
  lastAlertAt: string | null;
  /** The 7-day sync rate (0-1), or null when the scene reported nothing. */
  syncRate: number | null;
  sync: { reportedByScene: number; receivedByCentral: number; windowStart: string; windowEnd: string } | null;
  contacts: {
    role: 'sceneOperator' | 'sceneTechnician' | 'sceneHead';
    name: string;
    phone: string;
    unit: string;
  }[];
  deviceCount: number | null;
  /** The scene's last alerts in the cache, newest first. */
  recentAlerts: { id: string; level: string; title: string; reportedAt: string; status: string }[];
}

/** A device (物联感知设备) as the cache knows it. */
export interface DeviceSummary {
  id: string;
  code: string | null;
  name: string | null;
  model: string | null;
  sceneId: string;
  status: string;
  offlineSince: string | null;
  street: string | null;
  address: string | null;
  ownerUnit: string | null;
  installedAt: string | null;
  location: { lng: number; lat: number } | null;
  /** What is wrong in its registration (信息报错), or null. */
  infoError: { field: string; registered: string; observed: string; detectedAt: string | null } | null;
}

export interface AlertDetail {
  id: string;
  level: 'red' | 'orange' | 'yellow' | 'blue';
  title: string;
  category: string;
  sceneId: string;
  sceneName: string | null;
  deviceId: string | null;
  location: string | null;
  occurredAt: string;
  reportedAt: string;
  status: string;
  handler: { name: string; unit: string | null; phone: string | null } | null;
  dispatchedAt: string | null;
  deadlineAt: string;
  closedAt: string | null;
  elements: AlertElement[];
  readings: ReadingsSummary | null;
  verification: { at: string; by: string | null; significant: boolean; assessment: string } | null;
  majorLoop: {
    kind: 'emergency' | 'risk';
    startedAt: string | null;
    reportedTo: string | null;
    summary: string;
  } | null;
  workOrder: WorkOrderSummary | null;
}

/** Everything the detail pane shows about one item, read from the cache. */
export interface ItemDetail {
  ref: ItemRef;
  /** The item as its queue row shows it, or null when it is no longer in the cache. */
  row: QueueRow | null;
  /** The alert itself, or the alert a work prompt is about. */
  alert: AlertDetail | null;
  timeline: TimelineItem[];
  claim: ClaimSummary | null;
  prompts: PromptSummary[];
  /** The alert's scene, the scene itself, or the scene of the device or of the prompt's subject. */
  scene: SceneSummary | null;
  /** The alert's device, the device itself, or the prompt's subject device. */
  device: DeviceSummary | null;
  /** What a work prompt or duty item is about (an alert, a scene, a device, the district...), or null. */
  subject: { entity: string; id: string; label: string | null } | null;
  dataAsOf: string | null;
}

/** The readings of an alert's monitored element around the time it crossed its threshold. */
export interface ReadingSeries {
  alertId: string;
  elementName: string;
  unit: string;
  direction: 'above' | 'below';
  /** The alert's level, whose threshold the readings crossed. */
  level: 'red' | 'orange' | 'yellow' | 'blue';
  /** The crossed threshold. */
  threshold: number;
  /** The alert's summary of the readings: they are known even when no sample is. */
  exceededAt: string;
  reportedAt: string;
  peak: number;
  latest: number;
  samplesBeyondThreshold: number;
  /** The value at which each level begins, or null when the platform did not say. */
  thresholds: { blue: number; yellow: number; orange: number; red: number } | null;
  samples: { at: string; value: number }[];
  /** central: fetched now; cache: fetched earlier (offline); summary: only the alert's summary is known. */
  source: 'central' | 'cache' | 'summary';
  /** When the samples were fetched from the central platform (server clock), or null (source summary). */
  fetchedAt: string | null;
  /** Why the central platform's samples are not shown fresh, or null (source central). */
  unavailable: {
    reason: 'offline' | 'signedOut' | 'notFound' | 'invalid' | 'refused';
    /** Technical detail in English (for the tooltip and the log). */
    message: string;
  } | null;
}

/** An alert that sounds on this workstation until someone here acknowledges it. */
export interface Alarm {
  alertId: string;
  level: 'red' | 'orange';
  title: string;
  sceneName: string | null;
  reportedAt: string;
}

export interface AlarmState {
  /** The sounding alarms, newest first, at most 50. */
  active: Alarm[];
  /** How many alarms sound in all (more than `active` lists when over its cap). */
  total: number;
  /** While set and in the future, alarms are silent (still listed); ISO, server clock. */
  mutedUntil: string | null;
  mutedBy: string | null;
}

export interface AppInfo {
  name: string;
  version: string;
  /** desktop: the Electron window; browser: served on loopback by main/host. */
  mode: 'desktop' | 'browser';
  /** Whether this instance runs on the embedded demo district. */
  demo: boolean;
  dataDir: string;
  /** The platform's time zone: every time is shown in it, whatever the machine's zone. */
  platformTimeZone: string;
}

export interface Preferences {
  locale: Locale;
  theme: Theme;
}

// ---------------------------------------------------------------------------------------------
// Calls: the argument schemas (parsed in main) and the result types

// The schemas are built inside one function marked pure, so that a bundle which imports only the
// contract's constants (the renderer's) tree-shakes them, and zod with them, away.
const buildCallSchemas = () => {
  const preferencesPatch = z
    .object({
      locale: z.enum(locales).optional(),
      theme: z.enum(themes).optional(),
    })
    .strict();
  const mutationId = z.string().min(1).max(100);
  const queueCodes = z.array(z.string().min(1).max(100)).max(100);
  const itemRef = z
    .object({ entity: z.enum(['alert', 'scene', 'device', 'workPrompt']), id: z.string().min(1).max(200) })
    .strict();
  /** How a queue's grid is viewed: its sort and filters (getQueuePage, locateQueueRow). */
  const queueView = {
    sort: z
      .object({ column: z.enum(queueColumns), direction: z.enum(['asc', 'desc']) })
      .strict()
      .nullable()
      .optional(),
    quickFilter: z.string().max(200).optional(),
    quickFilterCodes: z
      .array(z.object({ column: z.enum(queueTextColumns), codes: queueCodes }).strict())
      .max(queueTextColumns.length)
      .optional(),
    filters: z
      .array(
        z
          .object({
            column: z.enum(queueTextColumns),
            contains: z.string().min(1).max(200),
            codes: queueCodes.optional(),
          })
          .strict(),
      )
      .max(queueTextColumns.length)
      .optional(),
  };
  return {
    getAppInfo: z.tuple([]),
    getStatus: z.tuple([]),
    getQueueCounts: z.tuple([]),
    getPreferences: z.tuple([]),
    setPreferences: z.tuple([preferencesPatch]),
    signIn: z.tuple([
      z
        .object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) })
        .strict(),
    ]),
    signOut: z.tuple([]),
    // The action's own arguments are checked by the core against the action's schema.
    submitAction: z.tuple([z.object({ name: z.enum(actionNames), args: z.unknown() }).strict()]),
    listUnfinishedActions: z.tuple([]),
    retryAction: z.tuple([z.object({ mutationId, args: z.unknown() }).strict()]),
    discardAction: z.tuple([z.object({ mutationId }).strict()]),
    getQueuePage: z.tuple([
      z
        .object({
          queue: z.enum(queueIds),
          offset: z.int().min(0).max(10_000_000),
          limit: z.int().min(1).max(1000),
          ...queueView,
        })
        .strict(),
    ]),
    locateQueueRow: z.tuple([z.object({ queue: z.enum(queueIds), item: itemRef, ...queueView }).strict()]),
    getItemDetail: z.tuple([itemRef]),
    getReadings: z.tuple([z.object({ alertId: z.string().min(1).max(200) }).strict()]),
    snoozeWorkPrompt: z.tuple([
      z
        .object({
          promptId: z.string().min(1).max(200),
          until: z.iso.datetime({ offset: true }),
          // The local prompt record keeps reasons of up to 500 characters (rules engine).
          reason: z.string().trim().min(1).max(500),
        })
        .strict(),
    ]),
    dismissWorkPrompt: z.tuple([
      z.object({ promptId: z.string().min(1).max(200), reason: z.string().trim().min(1).max(500) }).strict(),
    ]),
    getAlarms: z.tuple([]),
    acknowledgeAlarms: z.tuple([
      z.object({ alertIds: z.array(z.string().min(1).max(200)).min(1).max(1000) }).strict(),
    ]),
    setAlarmMute: z.tuple([z.object({ until: z.iso.datetime({ offset: true }).nullable() }).strict()]),
  } as const;
};

export const callSchemas = /* @__PURE__ */ buildCallSchemas();

export type CallName = keyof typeof callSchemas;
export const callNames = /* @__PURE__ */ Object.keys(callSchemas) as CallName[];

export type CallArgs<N extends CallName> = z.input<(typeof callSchemas)[N]>;
export type ParsedCallArgs<N extends CallName> = z.output<(typeof callSchemas)[N]>;

export interface CallResults {
  getAppInfo: AppInfo;
  getStatus: ShellStatus;
  getQueueCounts: QueueCountsSnapshot;
  getPreferences: Preferences;
  setPreferences: Preferences;
  signIn: OperatorSummary;
  signOut: null;
  submitAction: ActionRecord;
  listUnfinishedActions: ActionRecord[];
  retryAction: ActionRecord;
  discardAction: null;
  getQueuePage: QueuePage;
  locateQueueRow: QueueRowLocation;
  getItemDetail: ItemDetail;
  getReadings: ReadingSeries;
  snoozeWorkPrompt: null;
  dismissWorkPrompt: null;
  getAlarms: AlarmState;
  acknowledgeAlarms: AlarmState;
  setAlarmMute: AlarmState;
}

// ---------------------------------------------------------------------------------------------
// Events pushed from main to every renderer

export interface EventPayloads {
  status: ShellStatus;
  queueCounts: QueueCountsSnapshot;
  preferences: Preferences;
  alarms: AlarmState;
}
export type EventName = keyof EventPayloads;
export const eventNames = [
  'status',
  'queueCounts',
  'preferences',
  'alarms',
] as const satisfies readonly EventName[];

// ---------------------------------------------------------------------------------------------
// Results: nothing throws across the bridge

export const bridgeErrorCodes = [
  /** The call name is not part of this contract. */
  'UNKNOWN_CALL',
  /** An argument failed validation; the message names the field. */
  'INVALID_ARGUMENT',
  /** The request did not carry the per-start token, or came from a foreign origin or frame. */
  'UNAUTHORIZED',
  /** The transport could not reach main (browser mode: the host is gone or the network failed). */
  'UNREACHABLE',
  /** The call is understood but cannot be served now (for example, a dependency is not ready). */
  'UNAVAILABLE',
  /** The central platform refused the operator's credentials. */
  'SIGN_IN_REFUSED',
  /** The action needs a signed-in operator. */
  'NOT_SIGNED_IN',
  /** The action cannot be taken as asked (its arguments, or the state of what it acts on). */
  'ACTION_REFUSED',
  /** An unexpected failure inside main; details are in the log. */
  'INTERNAL',
] as const;
export type BridgeErrorCode = (typeof bridgeErrorCodes)[number];

export interface BridgeError {
  code: BridgeErrorCode;
  /** Technical detail in English (for logs and the tooltip); the UI shows a localised text chosen by `code`. */
  message: string;
}

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

export type Unsubscribe = () => void;

/** The object the renderer talks to: the preload's in Electron, the HTTP/WebSocket client in a browser. */
export type DutyDeskBridge = {
  [N in CallName]: (...args: CallArgs<N>) => Promise<BridgeResult<CallResults[N]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe;
};

/** The wire form of a call in browser mode (POST /api/call) and of its IPC equivalent. */
export interface CallEnvelope {
  name: string;
  args: unknown[];
}

/** The wire form of an event in browser mode (WebSocket message) and IPC. */
export interface EventEnvelope<E extends EventName = EventName> {
  event: E;
  payload: EventPayloads[E];
}
