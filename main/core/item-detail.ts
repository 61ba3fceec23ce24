/**
 * Everything the detail pane shows about one item, read from the cache: an alert's elements (missing and
 * malformed ones marked), its readings summary, work order, timeline, claim and prompts; a scene's or a device's
 * record; a work prompt's rule, reason and subject (with the subject alert's key facts).
 *
 * Documents in `data` are kept as the central platform sent them, and actions waiting in the outbox are folded
 * into them (sync/outbox.ts), so every field is read defensively here. What an unconfirmed action wrote is marked
 * `pending`: the documents it touched are listed in `outbox_touch` while the action is pending.
 *
 * Every query is one indexed lookup by the item (ITEM_DETAIL_SQL; item-detail.test.ts checks their plans), so a
 * detail answers in well under a millisecond whatever the size of the cache.
 */
import type Database from 'better-sqlite3';
import type {
  AlertDetail,
  AlertElement,
  ClaimSummary,
  DeviceSummary,
  ItemDetail,
  ItemRef,
  PromptSummary,
  QueueRow,
  SceneSummary,
  TimelineItem,
  WorkOrderSummary,
} from '../../preload/contract';
import type { RecipientRole, RuleId, RulesConfig } from './rules/config';
import { RECIPIENT_NAMES } from './rules/conditions';
import { createElementChecker, type ElementChecker, type ElementProblem } from './rules/document-checks';
import type { PromptRow } from './rules/prompt-store';

export const ITEM_DETAIL_SQL = {
  alert: 'SELECT data FROM alert WHERE id = ?',
  scene: 'SELECT id, name, kind, category, last_alert_at, sync_rate, data FROM scene WHERE id = ?',
  device: 'SELECT id, scene_id, status, data FROM device WHERE id = ?',
  sceneRecentAlerts: `SELECT id, level, status, reported_at, json_extract(data, '$.title') AS title
                        FROM alert WHERE scene_id = ? ORDER BY reported_at DESC LIMIT 5`,
  workOrders: 'SELECT id, data FROM work_order WHERE alert_id = ?',
  timeline: 'SELECT id, data FROM timeline_entry WHERE subject_entity = ? AND subject_id = ? ORDER BY at',
  claim: 'SELECT id, expires_at, data FROM claim WHERE subject_entity = ? AND subject_id = ?',
  platformPrompts: 'SELECT id, data FROM work_prompt WHERE subject_entity = ? AND subject_id = ?',
  platformPrompt: 'SELECT id, data FROM work_prompt WHERE id = ?',
  localPrompts: `SELECT * FROM local_prompt WHERE subject_entity = ? AND subject_id = ?
                  ORDER BY raised_at DESC LIMIT 20`,
  localPrompt: 'SELECT * FROM local_prompt WHERE id = ?',
  /** The pending actions that touched one document, oldest first (outbox_touch's primary key). */
  pendingTouching: `SELECT o.mutation_id, o.name, o.args, o.created_at, o.operator_name
                      FROM outbox_touch t JOIN outbox o ON o.mutation_id = t.mutation_id
                     WHERE t.entity = ? AND t.entity_id = ? AND o.state = 'pending' ORDER BY o.seq`,
  // The platform's operator list first; else the name this workstation recorded with that operator's
  // unfinished actions, whose local effects carry the id (an operator the list does not hold yet, offline).
  operatorName: `SELECT coalesce(
                   (SELECT json_extract(data, '$.name') FROM operator WHERE id = @id),
                   (SELECT operator_name FROM outbox
                     WHERE state IN ('pending', 'rejected') AND operator_id = @id ORDER BY seq DESC LIMIT 1)) AS name`,
  lastSync: 'SELECT last_success_at FROM sync_state WHERE id = 1',
} as const;

type Doc = Record<string, unknown>;

const isRecord = (value: unknown): value is Doc =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const record = (value: unknown): Doc => (isRecord(value) ? value : {});
const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();
const LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
const levelOf = (value: unknown): AlertDetail['level'] | null =>
  LEVELS.find((level) => level === value) ?? null;

function parse(data: string | undefined): Doc | null {
  if (data === undefined) return null;
  try {
    const value = JSON.parse(data) as unknown;
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

interface PendingActionRow {
  mutation_id: string;
  name: string;
  args: string;
  created_at: string;
  operator_name: string;
}

/**
 * The message a work prompt is sent with, in the regulation's words: the rule, what it is about, the reason the
 * rules found, and who is to act. The rules engine words the reason (rules/conditions.ts); it has no message
 * template, so the message is built here from the same parts and the recipient named as the engine names them.
 */
export function suggestedPromptMessage(input: {
  title: string | null;
  subjectLabel: string | null;
  reason: string;
  recipientRole: string | null;
}): string {
  const recipient =
    input.recipientRole !== null && Object.hasOwn(RECIPIENT_NAMES, input.recipientRole)
      ? RECIPIENT_NAMES[input.recipientRole as RecipientRole]
      : null;
  const head = input.title ? `【${input.title}】` : '';
  const about = input.subjectLabel ? `${input.subjectLabel}：` : '';
  const reason = input.reason.replace(/[。；;.\s]+$/u, '');
  const ask = recipient ? `请${recipient}及时处置并反馈结果。` : '请及时处置并反馈结果。';
  return `${head}${about}${reason}。${ask}`;
}

export interface ItemDetailReaderOptions {
  rulesConfig: RulesConfig;
  /** The platform's time now (ms): expired claims are not shown. */
  now: () => number;
  /** The operator signed in here, or null: their claims are `mine`. */
  operatorId: () => string | null;
}

/** Prepared detail queries over one connection. */
export class ItemDetailReader {
  readonly #db: Database.Database;
  readonly #options: ItemDetailReaderOptions;
  readonly #checker: ElementChecker;
  readonly #statements;

  constructor(db: Database.Database, options: ItemDetailReaderOptions) {
    this.#db = db;
    this.#options = options;
    this.#checker = createElementChecker(options.rulesConfig.rules['non-standard']);
    const prepare = (sql: string) => db.prepare(sql);
    this.#statements = Object.fromEntries(
      Object.entries(ITEM_DETAIL_SQL).map(([name, sql]) => [name, prepare(sql)]),
    ) as Record<keyof typeof ITEM_DETAIL_SQL, Database.Statement>;
  }

  read(ref: ItemRef): ItemDetail {
    // One read transaction (deferred: it only reads): the sync worker may commit between two statements otherwise.
    return this.#db.transaction(() => this.#read(ref)).deferred();
  }

  #read(ref: ItemRef): ItemDetail {
    const dataAsOf = iso(
      (this.#statements.lastSync.get() as { last_success_at: number | null }).last_success_at,
    );
    const empty: ItemDetail = {
      ref,
      row: null,
      alert: null,
      timeline: [],
      claim: this.#claim(ref.entity, ref.id),
      prompts: [],
      scene: null,
      device: null,
      subject: null,
      dataAsOf,
    };
    switch (ref.entity) {
      case 'alert': {
        const alert = this.#alert(ref.id);
        if (alert === null) return empty;
        const scene = this.#scene(alert.sceneId);
        return {
          ...empty,
          row: { ...this.#alertRow(alert, scene), claimedBy: empty.claim?.operatorName ?? null },
          alert,
          timeline: this.#timeline('alert', ref.id, alert.workOrder?.id ?? null),
          prompts: this.#prompts('alert', ref.id),
          scene,
          device: alert.deviceId === null ? null : this.#device(alert.deviceId),
        };
      }
      case 'scene': {
        const scene = this.#scene(ref.id);
        if (scene === null) return empty;
        return {
          ...empty,
          row: { ...this.#sceneRow(scene), claimedBy: empty.claim?.operatorName ?? null },
          timeline: this.#timeline('scene', ref.id, null),
          prompts: this.#prompts('scene', ref.id),
          scene,
        };
      }
      case 'device': {
        const device = this.#device(ref.id);
        if (device === null) return empty;
        const scene = this.#scene(device.sceneId);
        return {
          ...empty,
          row: { ...this.#deviceRow(device, scene), claimedBy: empty.claim?.operatorName ?? null },
          timeline: this.#timeline('device', ref.id, null),
          prompts: this.#prompts('device', ref.id),
          scene,
          device,
        };
      }
      case 'workPrompt':
        return this.#workPrompt(ref, empty);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Alerts

  #alert(id: string): AlertDetail | null {
    const row = this.#statements.alert.get(id) as { data: string } | undefined;
    const document = parse(row?.data);
    if (document === null) return null;
    const sceneId = text(document.sceneId) ?? '';
    const sceneDocument = parse((this.#statements.scene.get(sceneId) as { data: string } | undefined)?.data);
    const location = record(document.location);
    const handler = isRecord(document.handler) ? document.handler : null;
    const verification = isRecord(document.verification) ? document.verification : null;
    const verifiedAt = text(document.verifiedAt);
    const majorLoopKind =
      document.majorLoopKind === 'emergency' || document.majorLoopKind === 'risk'
        ? document.majorLoopKind
        : null;
    const readings = record(document.readings);
    const readingsComplete =
      text(readings.elementName) !== null &&
      number(readings.threshold) !== null &&
      number(readings.peak) !== null &&
      number(readings.latest) !== null &&
      text(readings.exceededAt) !== null;
    const locationText = [text(location.street), text(location.address)].filter(Boolean).join(' ');
    return {
      id,
      level: levelOf(document.level) ?? 'blue',
      title: text(document.title) ?? id,
      category: text(document.category) ?? '',
      sceneId,
      sceneName: sceneDocument ? text(sceneDocument.name) : null,
      deviceId: text(document.deviceId),
      location: locationText === '' ? null : locationText,
      occurredAt: text(document.occurredAt) ?? '',
      reportedAt: text(document.reportedAt) ?? '',
      status: text(document.status) ?? '',
      handler: handler
        ? { name: text(handler.name) ?? '', unit: text(handler.unit), phone: text(handler.phone) }
        : null,
      dispatchedAt: text(document.dispatchedAt),
      deadlineAt: text(document.deadlineAt) ?? '',
      closedAt: text(document.closedAt),
      elements: this.#elements(document, sceneDocument),
      readings: readingsComplete
        ? {
            elementName: text(readings.elementName) ?? '',
            unit: text(readings.unit) ?? '',
            direction: readings.direction === 'below' ? 'below' : 'above',
            threshold: number(readings.threshold) ?? 0,
            peak: number(readings.peak) ?? 0,
            latest: number(readings.latest) ?? 0,
            samplesBeyondThreshold: number(readings.samplesBeyondThreshold) ?? 0,
            exceededAt: text(readings.exceededAt) ?? '',
          }
        : null,
      verification:
        verifiedAt !== null
          ? {
              at: verifiedAt,
              by: this.#operatorName(text(document.verifiedBy)),
              significant: verification?.significant === true,
              assessment: text(verification?.assessment) ?? '',
            }
          : null,
      majorLoop: majorLoopKind
        ? {
            kind: majorLoopKind,
            startedAt: text(document.majorLoopStartedAt),
            reportedTo: text(document.majorLoopReportedTo),
            summary: text(document.majorLoopSummary) ?? '',
          }
        : null,
      workOrder: this.#workOrder(id, text(document.workOrderId)),
    };
  }

  /**
   * The scene's required elements in its order, then those the regulation's rules also require, then any other
   * the alert carries. A problem comes from the platform's own `elementIssues` or from the rules' checks (empty,
   * a placeholder such as “详见附件”, a malformed phone number...), whichever names it first.
   */
  #elements(document: Doc, scene: Doc | null): AlertElement[] {
    const values = record(document.elements);
    const labels = new Map<string, string>();
    const order: string[] = [];
    const add = (key: string, label: string | null): void => {
      if (!labels.has(key)) {
        labels.set(key, label ?? key);
        order.push(key);
      } else if (label !== null && labels.get(key) === key) labels.set(key, label);
    };
    for (const field of Array.isArray(scene?.requiredElements) ? scene.requiredElements : []) {
      if (isRecord(field) && typeof field.key === 'string') add(field.key, text(field.label));
    }
    const required = new Set(order);
    const problems = new Map<string, ElementProblem>();
    for (const problem of this.#checker.check(text(document.category) ?? '', document)) {
      problems.set(problem.key, problem);
      add(problem.key, problem.label);
    }
    const rules = this.#options.rulesConfig.rules['non-standard'].requiredElements;
    for (const field of [...rules.common, ...(rules.byCategory[text(document.category) ?? ''] ?? [])]) {
      add(field.key, field.label);
      required.add(field.key);
    }
    for (const key of Object.keys(values)) add(key, null);
    return order.map((key) => {
      const label = labels.get(key) ?? key;
      const raw = values[key];
      const value = typeof raw === 'string' && raw.trim() !== '' ? raw : null;
      const problem = problems.get(key);
      if (problem) {
        return { key, label, value, problem: problem.problem, problemDetail: problem.detail };
      }
      if (value === null && required.has(key)) {
        return { key, label, value, problem: 'missing', problemDetail: `未填写${label}` };
      }
      return { key, label, value, problem: null, problemDetail: null };
    });
  }

  #workOrder(alertId: string, workOrderId: string | null): WorkOrderSummary | null {
    const rows = this.#statements.workOrders.all(alertId) as { id: string; data: string }[];
    // The alert names its work order; without that, the newest one dispatched.
    const documents = rows.map((row) => parse(row.data)).filter((doc): doc is Doc => doc !== null);
    const chosen =
      documents.find((doc) => doc.id === workOrderId) ??
      documents.sort((a, b) => (text(b.dispatchedAt) ?? '').localeCompare(text(a.dispatchedAt) ?? ''))[0];
    if (!chosen) return null;
    const handler = isRecord(chosen.handler) ? chosen.handler : null;
    return {
      id: text(chosen.id) ?? '',
      status: text(chosen.status) ?? '',
      deadlineAt: text(chosen.deadlineAt) ?? '',
      closedAt: text(chosen.closedAt),
      dispatchedAt: text(chosen.dispatchedAt),
      arrivedAt: text(chosen.arrivedAt),
      handler: handler
        ? { name: text(handler.name) ?? '', unit: text(handler.unit), phone: text(handler.phone) }
        : null,
      measures: Array.isArray(chosen.measures)
        ? chosen.measures.filter((measure): measure is string => typeof measure === 'string')
        : [],
      feedback: text(chosen.feedback),
    };
  }

  #operatorName(id: string | null): string | null {
    if (id === null) return null;
    const row = this.#statements.operatorName.get({ id }) as { name: string | null } | undefined;
    return row?.name ?? id;
  }

  // ------------------------------------------------------------------------------------------
  // Timeline, claims and prompts

  /** Platform records of the item (and of its work order), prompts about it, and this workstation's pending actions. */
  #timeline(entity: string, id: string, workOrderId: string | null): TimelineItem[] {
    const items: TimelineItem[] = [];
    const entries = [
      ...(this.#statements.timeline.all(entity, id) as { id: string; data: string }[]),
      ...(workOrderId === null
        ? []
        : (this.#statements.timeline.all('workOrder', workOrderId) as { id: string; data: string }[])),
    ];
    for (const entry of entries) {
      const document = parse(entry.data);
      if (document === null) continue;
      items.push({
        id: entry.id,
        at: text(document.at) ?? '',
        kind: text(document.kind) ?? 'note',
        actor: text(record(document.actor).name),
        text: text(document.text),
        pending: this.#isPending('timelineEntry', entry.id),
      });
    }
    for (const row of this.#statements.platformPrompts.all(entity, id) as { id: string; data: string }[]) {
      const document = parse(row.data);
      if (document === null) continue;
      const pending = this.#isPending('workPrompt', row.id);
      const issuedAt = text(document.issuedAt);
      if (issuedAt !== null) {
        items.push({
          id: `${row.id}:issued`,
          at: issuedAt,
          kind: 'promptIssued',
          actor: this.#operatorName(text(document.issuedBy)),
          text: text(document.message),
          pending,
        });
      }
      const acknowledgedAt = text(document.acknowledgedAt);
      if (acknowledgedAt !== null) {
        items.push({
          id: `${row.id}:acknowledged`,
          at: acknowledgedAt,
          kind: 'promptAcknowledged',
          actor: this.#operatorName(text(document.acknowledgedBy)),
          text: text(document.acknowledgementNote),
          pending,
        });
      }
      const resolvedAt = text(document.resolvedAt);
      if (resolvedAt !== null) {
        items.push({
          id: `${row.id}:resolved`,
          at: resolvedAt,
          kind: 'promptResolved',
          actor: this.#operatorName(text(document.resolvedBy)),
          text: text(document.resolution),
          pending,
        });
      }
    }
    for (const row of this.#statements.localPrompts.all(entity, id) as PromptRow[]) {
      items.push({
        id: `${row.id}:raised`,
        at: iso(row.raised_at) ?? '',
        kind: 'promptRaised',
        actor: null,
        text: row.reason,
        pending: false,
      });
    }
    // Verifications and major loops reach the timeline when the platform records them; until confirmed, the
    // action itself stands for its record.
    if (entity === 'alert') {
      for (const action of this.#statements.pendingTouching.all('alert', id) as PendingActionRow[]) {
        const args = parse(action.args) ?? {};
        const kind =
          action.name === 'verifyAlert'
            ? 'verification'
            : action.name === 'startMajorLoop'
              ? 'majorLoop'
              : action.name;
        items.push({
          id: action.mutation_id,
          at: action.created_at,
          kind,
          actor: action.operator_name,
          text: text(args.assessment) ?? text(args.summary),
          pending: true,
        });
      }
    }
    // A stable sort: items of the same instant keep the order they were made in (the outbox's for pending ones).
    return items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  #isPending(entity: string, id: string): boolean {
    return this.#statements.pendingTouching.get(entity, id) !== undefined;
  }

  #claim(entity: string, id: string): ClaimSummary | null {
    const row = this.#statements.claim.get(entity, id) as
      { id: string; expires_at: number; data: string } | undefined;
    if (!row || row.expires_at <= this.#options.now()) return null;
    const document = parse(row.data);
    if (document === null) return null;
    const operatorId = text(document.operatorId) ?? '';
    return {
      operatorId,
      operatorName: text(document.operatorName) ?? operatorId,
      expiresAt: iso(row.expires_at) ?? '',
      mine: operatorId !== '' && operatorId === this.#options.operatorId(),
      pending: this.#isPending('claim', row.id),
    };
  }

  #ruleTitle(rule: string): string | null {
    const rules = this.#options.rulesConfig.rules as Partial<Record<string, { title: string }>>;
    return Object.hasOwn(rules, rule) ? (rules[rule as RuleId]?.title ?? null) : null;
  }

  /** Local prompts (raised by the rules here) and platform prompts about the subject, one entry per prompt id. */
  #prompts(entity: string, id: string, subjectLabel: string | null = null): PromptSummary[] {
    const label = subjectLabel ?? this.#subjectLabel(entity, id);
    const platform = new Map<string, Doc>();
    for (const row of this.#statements.platformPrompts.all(entity, id) as { id: string; data: string }[]) {
      const document = parse(row.data);
      if (document !== null) platform.set(row.id, document);
    }
    const prompts: PromptSummary[] = [];
    for (const row of this.#statements.localPrompts.all(entity, id) as PromptRow[]) {
      prompts.push(this.#promptSummary(row, platform.get(row.id) ?? null, label));
      platform.delete(row.id);
    }
    for (const [promptId, document] of platform)
      prompts.push(this.#platformPromptSummary(promptId, document));
    return prompts;
  }

  #promptSummary(row: PromptRow, platform: Doc | null, subjectLabel: string | null): PromptSummary {
    const title = this.#ruleTitle(row.rule);
    return {
      id: row.id,
      rule: row.rule,
      // Once issued, the platform's state is the one that counts.
      state: (platform && text(platform.status)) ?? row.state,
      reason: row.reason,
      recipientRole: (platform && text(platform.recipientRole)) ?? row.recipient_role,
      dueAt: (platform && text(platform.dueAt)) ?? iso(row.due_at),
      snoozedUntil: iso(row.snoozed_until),
      suggestedMessage: suggestedPromptMessage({
        title,
        subjectLabel,
        reason: row.reason,
        recipientRole: row.recipient_role,
      }),
      title,
      raisedAt: iso(row.raised_at),
      message: platform ? text(platform.message) : null,
      pending: this.#isPending('workPrompt', row.id),
    };
  }

  #platformPromptSummary(id: string, document: Doc): PromptSummary {
    const rule = text(document.rule) ?? 'manual';
    return {
      id,
      rule,
      state: text(document.status) ?? 'issued',
      reason: text(document.message) ?? '',
      recipientRole: text(document.recipientRole),
      dueAt: text(document.dueAt),
      snoozedUntil: null,
      suggestedMessage: null,
      title: this.#ruleTitle(rule),
      raisedAt: text(document.issuedAt),
      message: text(document.message),
      pending: this.#isPending('workPrompt', id),
    };
  }

  /** How a prompt's message names its subject: the alert's id and title, the scene's or the device's name. */
  #subjectLabel(entity: string, id: string): string | null {
    if (entity === 'alert') {
      const document = parse((this.#statements.alert.get(id) as { data: string } | undefined)?.data);
      if (document === null) return `预警 ${id}`;
      const scene = parse(
        (this.#statements.scene.get(text(document.sceneId) ?? '') as { data: string } | undefined)?.data,
      );
      const sceneName = scene ? text(scene.name) : null;
      const title = text(document.title);
      return `${sceneName ?? ''}预警 ${id}${title ? `（${title}）` : ''}`;
    }
    if (entity === 'scene') {
      const scene = this.#statements.scene.get(id) as { name: string } | undefined;
      return scene?.name ?? `场景 ${id}`;
    }
    if (entity === 'device') {
      const document = parse((this.#statements.device.get(id) as { data: string } | undefined)?.data);
      const name = document ? text(document.name) : null;
      const code = document ? text(document.code) : null;
      return name ? `设备 ${name}${code ? `（${code}）` : ''}` : `设备 ${id}`;
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // Work prompts and duty items

  #workPrompt(ref: ItemRef, empty: ItemDetail): ItemDetail {
    const local = this.#statements.localPrompt.get(ref.id) as PromptRow | undefined;
    const platformRow = this.#statements.platformPrompt.get(ref.id) as
      { id: string; data: string } | undefined;
    const platform = parse(platformRow?.data);
    if (!local && platform === null) return empty;
    const subjectDoc = record(platform?.subject);
    const subjectEntity = local?.subject_entity ?? text(subjectDoc.entity) ?? '';
    const subjectId = local?.subject_id ?? text(subjectDoc.id) ?? '';
    const detail = parse(local?.detail) ?? {};
    const subjectLabel = this.#subjectLabel(subjectEntity, subjectId) ?? text(detail.title);
    const prompt = local
      ? this.#promptSummary(local, platform, subjectLabel)
      : this.#platformPromptSummary(ref.id, platform ?? {});
    const alert = subjectEntity === 'alert' ? this.#alert(subjectId) : null;
    const device =
      subjectEntity === 'device'
        ? this.#device(subjectId)
        : alert?.deviceId
          ? this.#device(alert.deviceId)
          : null;
    const sceneId =
      subjectEntity === 'scene' ? subjectId : (alert?.sceneId ?? device?.sceneId ?? text(detail.sceneId));
    const scene = sceneId ? this.#scene(sceneId) : null;
    const timeline = [
      ...this.#promptTimeline(local ?? null, platform, ref.id),
      ...(subjectEntity === 'alert' || subjectEntity === 'scene' || subjectEntity === 'device'
        ? this.#timeline(subjectEntity, subjectId, alert?.workOrder?.id ?? null).filter(
            (item) => !item.id.startsWith(`${ref.id}:`),
          )
        : []),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return {
      ...empty,
      row: {
        key: `workPrompt:${ref.id}`,
        entity: 'workPrompt',
        id: ref.id,
        level: null,
        title: prompt.reason,
        sceneName: scene?.name ?? null,
        category: prompt.rule,
        location: null,
        since: prompt.raisedAt,
        dueAt: prompt.dueAt,
        handler: prompt.recipientRole,
        status: prompt.state,
        claimedBy: empty.claim?.operatorName ?? null,
        detail: `${subjectEntity}:${subjectId}`,
      },
      alert,
      timeline,
      prompts: [prompt],
      scene,
      device,
      subject: subjectEntity === '' ? null : { entity: subjectEntity, id: subjectId, label: subjectLabel },
    };
  }

  /** The prompt's own history: raised here, issued, acknowledged, resolved (the platform's record first). */
  #promptTimeline(local: PromptRow | null, platform: Doc | null, id: string): TimelineItem[] {
    const pending = this.#isPending('workPrompt', id);
    const items: TimelineItem[] = [];
    const add = (step: string, at: string | null, actor: string | null, body: string | null): void => {
      const kind = `prompt${step[0]?.toUpperCase() ?? ''}${step.slice(1)}`;
      if (at !== null) items.push({ id: `${id}:${step}`, at, kind, actor, text: body, pending });
    };
    if (local) add('raised', iso(local.raised_at), null, local.reason);
    const from = platform ?? {};
    add(
      'issued',
      text(from.issuedAt) ?? iso(local?.issued_at),
      this.#operatorName(text(from.issuedBy) ?? local?.issued_by ?? null),
      text(from.message),
    );
    add(
      'acknowledged',
      text(from.acknowledgedAt) ?? iso(local?.acknowledged_at),
      this.#operatorName(text(from.acknowledgedBy) ?? local?.acknowledged_by ?? null),
      text(from.acknowledgementNote) ?? local?.acknowledgement_note ?? null,
    );
    add(
      'resolved',
      text(from.resolvedAt) ?? iso(local?.resolved_at),
      this.#operatorName(text(from.resolvedBy) ?? local?.resolved_by ?? null),
      text(from.resolution) ?? local?.resolution ?? null,
    );
    return items;
  }

  // ------------------------------------------------------------------------------------------
  // Scenes and devices

  #scene(id: string): SceneSummary | null {
    const row = this.#statements.scene.get(id) as
      | {
          id: string;
          name: string;
          kind: string;
          category: string;
          last_alert_at: number | null;
          sync_rate: number | null;
          data: string;
        }
      | undefined;
    if (!row) return null;
    const document = parse(row.data) ?? {};
    const sync = record(document.sync);
    const contacts = record(document.contacts);
    const roles = ['sceneOperator', 'sceneTechnician', 'sceneHead'] as const;
    const recent = this.#statements.sceneRecentAlerts.all(id) as {
      id: string;
      level: string;
      status: string;
      reported_at: number;
      title: string | null;
    }[];
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      category: row.category,
      department: text(document.department),
      street: text(document.street),
      lastAlertAt: iso(row.last_alert_at),
      syncRate: row.sync_rate,
      sync:
        number(sync.reportedByScene) !== null && number(sync.receivedByCentral) !== null
          ? {
              reportedByScene: number(sync.reportedByScene) ?? 0,
              receivedByCentral: number(sync.receivedByCentral) ?? 0,
              windowStart: text(sync.windowStart) ?? '',
              windowEnd: text(sync.windowEnd) ?? '',
            }
          : null,
      contacts: roles.flatMap((role) => {
        const contact = contacts[role];
        if (!isRecord(contact)) return [];
        return [
          {
            role,
            name: text(contact.name) ?? '',
            phone: text(contact.phone) ?? '',
            unit: text(contact.unit) ?? '',
          },
        ];
      }),
      deviceCount: number(document.deviceCount),
      recentAlerts: recent.map((alert) => ({
        id: alert.id,
        level: alert.level,
        title: alert.title ?? alert.id,
        reportedAt: iso(alert.reported_at) ?? '',
        status: alert.status,
      })),
    };
  }

  #device(id: string): DeviceSummary | null {
    const row = this.#statements.device.get(id) as
      { id: string; scene_id: string; status: string; data: string } | undefined;
    if (!row) return null;
    const document = parse(row.data) ?? {};
    const location = record(document.location);
    const lng = number(location.lng);
    const lat = number(location.lat);
    const infoError = isRecord(document.infoError) ? document.infoError : null;
    return {
      id: row.id,
      code: text(document.code),
      name: text(document.name),
      model: text(document.model),
      sceneId: row.scene_id,
      status: row.status,
      offlineSince: text(document.offlineSince),
      street: text(document.street),
      address: text(document.address),
      ownerUnit: text(document.ownerUnit),
      installedAt: text(document.installedAt),
      location: lng !== null && lat !== null ? { lng, lat } : null,
      infoError: infoError
        ? {
            field: text(infoError.field) ?? '',
            registered: text(infoError.registered) ?? '',
            observed: text(infoError.observed) ?? '',
            detectedAt: text(infoError.detectedAt),
          }
        : null,
    };
  }

  // ------------------------------------------------------------------------------------------
  // The item as a row (for the pane's header when the queue's row is gone)

  #alertRow(alert: AlertDetail, scene: SceneSummary | null): QueueRow {
    const problems = alert.elements
      .filter((element) => element.problem !== null)
      .map((element) => element.key);
    return {
      key: `alert:${alert.id}`,
      entity: 'alert',
      id: alert.id,
      level: alert.level,
      title: alert.title,
      sceneName: scene?.name ?? null,
      category: alert.category,
      location: alert.location,
      since: alert.reportedAt,
      dueAt: alert.deadlineAt,
      handler: alert.handler?.name ?? null,
      status: alert.status,
      claimedBy: null,
      detail: problems.length > 0 ? problems.join(', ') : null,
    };
  }

  #sceneRow(scene: SceneSummary): QueueRow {
    return {
      key: `scene:${scene.id}`,
      entity: 'scene',
      id: scene.id,
      level: null,
      title: scene.name,
      sceneName: scene.name,
      category: scene.category,
      location: scene.street,
      since: scene.lastAlertAt,
      dueAt: null,
      handler: null,
      status: scene.kind,
      claimedBy: null,
      detail: null,
    };
  }

  #deviceRow(device: DeviceSummary, scene: SceneSummary | null): QueueRow {
    return {
      key: `device:${device.id}`,
      entity: 'device',
      id: device.id,
      level: null,
      title: device.name ?? device.id,
      sceneName: scene?.name ?? null,
      category: scene?.category ?? null,
      location: device.address,
      since: device.offlineSince,
      dueAt: null,
      handler: null,
      status: device.status,
      claimedBy: null,
      detail: device.infoError?.field ?? null,
    };
  }
}
