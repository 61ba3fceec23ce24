import { describe, expect, it } from 'vitest';
import { shippedRulesConfig } from './config';
import {
  createElementChecker,
  deviceInfoProblem,
  deviceLocationProblem,
  sceneSyncProblem,
} from './document-checks';
import { GOOD_GAS_ELEMENTS } from './test-cache';

const rules = shippedRulesConfig().rules;
const checker = createElementChecker(rules['non-standard']);

describe('required elements (填报不规范)', () => {
  it('a properly filled gas-pipeline alert has no problem', () => {
    expect(checker.check('gasPipeline', { elements: GOOD_GAS_ELEMENTS, elementIssues: [] })).toEqual([]);
  });

  it('names missing, placeholder and malformed elements in plain Chinese', () => {
    const problems = checker.check('gasPipeline', {
      elements: {
        ...GOOD_GAS_ELEMENTS,
        contactPhone: '58881',
        monitoredValue: '2.4',
        ownerUnit: '/',
        pipeSpec: '  ',
      },
      elementIssues: [],
    });
    expect(problems.map((p) => [p.key, p.problem, p.detail])).toEqual([
      ['monitoredValue', 'malformed', '监测值缺少计量单位'],
      ['ownerUnit', 'malformed', '权属单位为占位符“/”'],
      ['contactPhone', 'malformed', '联系电话格式不正确'],
      ['pipeSpec', 'missing', '未填写管线规格'],
    ]);
  });

  it('accepts landlines and mobiles, refuses short numbers', () => {
    for (const phone of ['021-58881234', '02158881234', '13912345678']) {
      expect(
        checker.check('geological', { elements: { ...GOOD_GAS_ELEMENTS, contactPhone: phone } }),
      ).toEqual([]);
    }
    expect(
      checker.check('geological', { elements: { ...GOOD_GAS_ELEMENTS, contactPhone: '5888' } }),
    ).toHaveLength(1);
  });

  it('requires each category its own elements; an unknown category the common ones', () => {
    expect(checker.check('elevator', { elements: GOOD_GAS_ELEMENTS }).map((p) => p.key)).toEqual([
      'registrationCode',
    ]);
    expect(checker.check('somethingNew', { elements: GOOD_GAS_ELEMENTS })).toEqual([]);
  });

  it('adds the issues the platform reported, once per element', () => {
    const problems = checker.check('gasPipeline', {
      elements: { ...GOOD_GAS_ELEMENTS, contact: null },
      elementIssues: [
        { key: 'contact', problem: 'missing', detail: '未填写现场联系人' },
        { key: 'riskDescription', problem: 'malformed', detail: '风险描述过于笼统' },
        'nonsense',
      ],
    });
    expect(problems.map((p) => p.detail)).toEqual(['未填写现场联系人', '风险描述过于笼统']);
  });

  it('treats a document without elements as all missing', () => {
    expect(checker.check('gasPipeline', null)).toHaveLength(9);
    expect(checker.check('gasPipeline', { elements: 'oops' })).toHaveLength(9);
  });
});

describe('device and scene documents', () => {
  it('reads a device info error, tolerating missing fields', () => {
    expect(
      deviceInfoProblem({
        infoError: {
          field: '权属单位',
          registered: 'A',
          observed: 'B',
          detectedAt: '2026-09-15T01:00:00.000Z',
        },
      }),
    ).toEqual({ field: '权属单位', registered: 'A', observed: 'B', detectedAt: Date.UTC(2026, 8, 15, 1) });
    expect(deviceInfoProblem({ infoError: {} })).toEqual({
      field: '设备信息',
      registered: '',
      observed: '',
      detectedAt: null,
    });
    expect(deviceInfoProblem({ infoError: null })).toBeNull();
  });

  it('places a risk source on the map only inside the district', () => {
    const bounds = rules['risk-map-anomaly'].bounds;
    expect(deviceLocationProblem({ location: { lng: 121.6, lat: 31.2 } }, bounds)).toBeNull();
    expect(deviceLocationProblem({ location: { lng: 116.4, lat: 39.9 } }, bounds)).toEqual({
      problem: 'outOfBounds',
      lng: 116.4,
      lat: 39.9,
    });
    expect(deviceLocationProblem({ location: { lng: 'x' } }, bounds)).toEqual({
      problem: 'missing',
      lng: null,
      lat: null,
    });
  });

  it('judges a scene sync rate strictly below the minimum, and disagreeing figures', () => {
    const rule = rules['sync-rate-low'];
    expect(sceneSyncProblem(0.899, {}, rule)).toEqual({ kind: 'low', rate: 0.899, minRate: 0.9 });
    expect(sceneSyncProblem(0.9, {}, rule)).toBeNull();
    expect(sceneSyncProblem(null, { sync: { reportedByScene: 0, receivedByCentral: 0 } }, rule)).toBeNull();
    expect(sceneSyncProblem(1, { sync: { reportedByScene: 10, receivedByCentral: 12 } }, rule)).toEqual({
      kind: 'inconsistent',
      reportedByScene: 10,
      receivedByCentral: 12,
    });
    expect(
      sceneSyncProblem(
        1,
        { sync: { reportedByScene: 10, receivedByCentral: 12 } },
        { ...rule, flagInconsistent: false },
      ),
    ).toBeNull();
  });
});
