/** Documents of the central contract's shapes (central/entities.ts), for cache tests. */
/** A valid alert document; `overrides` replace fields. */
export function alertDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'alert-1',
    version: 3,
    sceneId: 'scene-1',
    deviceId: 'device-1',
    category: 'gasPipeline',
    level: 'red',
    title: '燃气管网甲烷浓度超限',
    location: { lng: 121.5, lat: 31.2, street: '陆家嘴街道', address: '银城中路 1 号' },
    occurredAt: '2026-11-23T01:00:00.000Z',
    reportedAt: '2026-11-23T01:01:00.000Z',
    elements: {},
    elementIssues: [],
    readings: {},
    status: 'pending',
    handler: null,
    dispatchedAt: null,
    handlingLimitHours: 24,
    deadlineAt: '2026-11-24T01:01:00.000Z',
    closedAt: null,
    closedReason: null,
    loop: 'sector',
    majorLoopKind: null,
    majorLoopStartedAt: null,
    majorLoopReportedTo: null,
    majorLoopSummary: null,
    verifiedAt: null,
    verifiedBy: null,
    verification: null,
    workOrderId: null,
    ...overrides,
  };
}

/** A valid scene document. */
export function sceneDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'scene-1',
    version: 1,
    name: '陆家嘴燃气管网监测',
    kind: 'scene',
    domain: 'lifeline',
    category: 'gasPipeline',
    department: '区燃气管理所',
    street: '陆家嘴街道',
    lastAlertAt: '2026-11-23T01:01:00.000Z',
    sync: { rate: 0.97 },
    ...overrides,
  };
}

/** A valid device document. */
export function deviceDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'device-1',
    version: 1,
    sceneId: 'scene-1',
    name: '甲烷传感器 LJZ-001',
    address: '银城中路 1 号',
    status: 'online',
    offlineSince: null,
    infoError: null,
    ...overrides,
  };
}

/** A valid work prompt document, issued and not yet acknowledged. */
export function workPromptDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'prompt-1',
    version: 1,
    rule: 'undispatched',
    subject: { entity: 'alert', id: 'alert-1' },
    recipientRole: 'sceneOperator',
    message: '请于 1 小时内落实处置人员',
    dueAt: '2026-11-23T03:01:00.000Z',
    status: 'issued',
    issuedAt: '2026-11-23T02:01:00.000Z',
    issuedBy: 'op-1',
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgementNote: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...overrides,
  };
}
