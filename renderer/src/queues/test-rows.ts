/** Queue rows for the renderer's tests: an unverified red alert and a raised prompt about an alert. */
import type { QueueRow } from '../../../preload/contract';

export function alertRow(overrides: Partial<QueueRow> = {}): QueueRow {
  return {
    key: 'alert:A1',
    entity: 'alert',
    id: 'A1',
    level: 'red',
    title: '燃气管网压力超限',
    sceneName: '燃气管网',
    category: 'gasPipeline',
    location: '陆家嘴街道',
    since: '2025-07-10T01:00:00.000Z',
    dueAt: null,
    handler: null,
    status: 'reported',
    claimedBy: null,
    detail: 'unverified',
    ...overrides,
  };
}

export function promptRow(overrides: Partial<QueueRow> = {}): QueueRow {
  return {
    key: 'workPrompt:P1',
    entity: 'workPrompt',
    id: 'P1',
    level: null,
    title: '预警超过 1 小时无处置人员',
    sceneName: null,
    category: 'undispatched',
    location: null,
    since: '2025-07-10T01:00:00.000Z',
    dueAt: '2025-07-10T03:00:00.000Z',
    handler: 'sceneOperator',
    status: 'raised',
    claimedBy: null,
    detail: 'alert:A9',
    ...overrides,
  };
}
