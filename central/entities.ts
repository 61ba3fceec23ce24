/**
 * The shapes of the entities in the change feed, as the server builds them. openapi.yaml describes the same
 * shapes for the wire, and the tests validate every response against it, so a drift between these types and the
 * spec fails a test rather than a client.
 */
import type {
  AlertLevel,
  AlertStatus,
  Domain,
  KeyPeriodKind,
  Loop,
  MajorLoopKind,
  OperatorRole,
  RecipientRole,
  RiskCategory,
  SceneKind,
  SubjectKind,
  TimelineKind,
  WorkPromptRule,
  WorkPromptStatus,
} from './domain';
import type { Commander, Contact, MonitoringElement } from './district';
import type { ElementField } from './catalogue';

/** Every entity carries its id and version (the version also travels on the change). */
export interface Versioned {
  id: string;
  version: number;
}

export interface SyncStats {
  windowStart: string;
  windowEnd: string;
  reportedByScene: number;
  receivedByCentral: number;
  /** receivedByCentral / reportedByScene; null when the scene reported nothing in the window. */
  rate: number | null;
}

export interface SceneData extends Versioned {
  name: string;
  kind: SceneKind;
  domain: Domain;
  category: RiskCategory;
  department: string;
  street: string | null;
  monitoringElements: MonitoringElement[];
  requiredElements: ElementField[];
  contacts: { sceneOperator: Contact; sceneTechnician: Contact; sceneHead: Contact };
  commissionedAt: string;
  deviceCount: number;
  lastAlertAt: string | null;
  sync: SyncStats;
}

export interface DeviceInfoError {
  field: string;
  registered: string;
  observed: string;
  detectedAt: string;
}

export interface DeviceData extends Versioned {
  sceneId: string;
  code: string;
  name: string;
  model: string;
  elementIds: string[];
  street: string;
  address: string;
  location: GeoPoint;
  ownerUnit: string;
  installedAt: string;
  status: 'online' | 'offline';
  offlineSince: string | null;
  infoError: DeviceInfoError | null;
}

export interface GeoPoint {
  lng: number;
  lat: number;
}

export interface AlertLocation extends GeoPoint {
  street: string;
  address: string;
}

export interface ElementIssue {
  key: string;
  problem: 'missing' | 'malformed';
  detail: string;
}

export interface ReadingsSummary {
  elementId: string;
  elementName: string;
  unit: string;
  direction: 'above' | 'below';
  threshold: number;
  peak: number;
  latest: number;
  samplesBeyondThreshold: number;
  exceededAt: string;
}

export interface Handler {
  name: string;
  unit: string;
  phone: string;
}

export interface AlertData extends Versioned {
  sceneId: string;
  deviceId: string | null;
  category: RiskCategory;
  level: AlertLevel;
  title: string;
  location: AlertLocation;
  occurredAt: string;
  reportedAt: string;
  elements: Record<string, string | null>;
  elementIssues: ElementIssue[];
  readings: ReadingsSummary;
  status: AlertStatus;
  handler: Handler | null;
  dispatchedAt: string | null;
  handlingLimitHours: number;
  deadlineAt: string;
  closedAt: string | null;
  closedReason: 'resolved' | 'falseAlarm' | null;
  loop: Loop;
  majorLoopKind: MajorLoopKind | null;
  majorLoopStartedAt: string | null;
  majorLoopReportedTo: string | null;
  majorLoopSummary: string | null;
  verifiedAt: string | null;
  verifiedBy: string | null;
  verification: { significant: boolean; assessment: string } | null;
  workOrderId: string | null;
}

export interface WorkOrderData extends Versioned {
  alertId: string;
  sceneId: string;
  loop: Loop;
  status: 'dispatched' | 'handling' | 'closed';
  handler: Handler;
  createdAt: string;
  dispatchedAt: string;
  arrivedAt: string | null;
  deadlineAt: string;
  closedAt: string | null;
  measures: string[];
  /** The handler's report at closure (处置反馈). */
  feedback: string | null;
}

export interface Subject {
  entity: SubjectKind;
  id: string;
}

export interface Actor {
  kind: 'scene' | 'handler' | 'operator' | 'system';
  name: string;
  operatorId: string | null;
}

export interface TimelineEntryData extends Versioned {
  subject: Subject;
  kind: TimelineKind;
  at: string;
  actor: Actor;
  text: string;
}

export interface CommandManualData extends Versioned {
  sceneId: string;
  level: AlertLevel;
  handlingLimitHours: number;
  loop: Loop;
  commanders: Commander[];
  responseMeasures: string[];
  notify: string[];
  updatedAt: string;
}

export interface KeyPeriodData extends Versioned {
  name: string;
  kind: KeyPeriodKind;
  startsAt: string;
  endsAt: string;
  leadDepartment: string;
}

export interface OperatorData extends Versioned {
  username: string;
  name: string;
  role: OperatorRole;
  dutyRoom: string;
}

export interface WorkPromptData extends Versioned {
  rule: WorkPromptRule;
  subject: Subject;
  recipientRole: RecipientRole;
  message: string;
  dueAt: string;
  status: WorkPromptStatus;
  issuedAt: string;
  issuedBy: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

export interface ClaimData extends Versioned {
  subject: Subject;
  operatorId: string;
  operatorName: string;
  clientId: string;
  claimedAt: string;
  expiresAt: string;
}

export interface HandoverData extends Versioned {
  recordedBy: string;
  recordedAt: string;
  shiftStartedAt: string;
  shiftEndedAt: string;
  toOperatorId: string | null;
  summary: string;
  openItems: { subject: Subject; note: string }[];
}

/** What an entity is without the version the store assigns. */
export type Unversioned<T extends Versioned> = Omit<T, 'version'>;
