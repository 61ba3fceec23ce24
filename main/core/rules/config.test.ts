import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import shipped from '../../../resources/rules/work-prompt-rules.json';
import { RULE_IDS, loadRulesConfig, resolveRulesConfig, shippedRulesConfig } from './config';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function siteFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-rules-config-'));
  dirs.push(dir);
  const file = path.join(dir, 'rules.json');
  fs.writeFileSync(file, content);
  return file;
}

describe('shipped rules', () => {
  const config = shippedRulesConfig();

  it('hold every rule of DESIGN.md with its default thresholds', () => {
    // DESIGN.md's rule table, in its order.
    expect(Object.keys(config.rules).sort()).toEqual(
      [
        'device-offline',
        'device-info-error',
        'scene-silent',
        'sync-rate-low',
        'red-alert',
        'undispatched',
        'overdue-closure',
        'non-standard',
        'annual-elements',
        'annual-manual',
        'annual-roster',
        'weekly-report',
        'monthly-report',
        'period-outlook',
        'weekly-meeting',
        'risk-map-anomaly',
      ].sort(),
    );
    expect([...RULE_IDS].sort()).toEqual(Object.keys(config.rules).sort());
    expect(config.formatVersion).toBe(1);
    expect(config.timeZone).toBe('Asia/Shanghai');

    const { rules } = config;
    expect(rules['scene-silent'].stages.map((stage) => [stage.afterHours, stage.recipient])).toEqual([
      [24, 'sceneTechnician'],
      [72, 'sceneOperator'],
      [168, 'sceneHead'],
    ]);
    expect(rules.undispatched.stages).toEqual([{ afterHours: 1, recipient: 'sceneOperator', dueHours: 1 }]);
    expect(rules['overdue-closure'].stages).toEqual([
      { afterHours: 48, recipient: 'sceneOperator', dueHours: 48 },
    ]);
    expect(rules['non-standard'].stages).toEqual([{ afterHours: 0, recipient: 'sceneHead', dueHours: 48 }]);
    expect(rules['sync-rate-low'].minRate).toBe(0.9);
    expect(rules['sync-rate-low'].stages[0]?.recipient).toBe('techOps');
    expect(rules['device-offline'].stages[0]?.recipient).toBe('sceneOperator');
    expect(rules['device-info-error'].stages[0]?.recipient).toBe('sceneOperator');
    expect(rules['risk-map-anomaly'].stages[0]?.recipient).toBe('techOps');
    for (const annual of ['annual-elements', 'annual-manual', 'annual-roster'] as const) {
      expect(rules[annual]).toMatchObject({ month: 11, day: 1, perScene: true, recipient: 'sceneOperator' });
    }
    expect(rules['weekly-report']).toMatchObject({ weekday: 5, recipient: 'dutyTeam', dueAfterDays: 1 });
    // Due at midnight starting the 5th: "before the 5th".
    expect(rules['monthly-report']).toMatchObject({ day: 1, dueAfterDays: 4, recipient: 'dutyTeam' });
    expect(rules['period-outlook']).toMatchObject({
      daysBefore: 3,
      dataWindowDays: 14,
      recipient: 'dutyTeam',
    });
    expect(rules['weekly-meeting']).toMatchObject({ recipient: 'dutyTeam' });
  });

  it('configure what non-standard means: required elements per category and their formats', () => {
    const rule = config.rules['non-standard'];
    expect(rule.requiredElements.common.map((field) => field.key)).toContain('contactPhone');
    expect(rule.requiredElements.byCategory.gasPipeline).toEqual([{ key: 'pipeSpec', label: '管线规格' }]);
    expect(Object.keys(rule.formats)).toEqual(expect.arrayContaining(['phone', 'measurement']));
  });
});

describe('a site override', () => {
  it('is absent: the shipped rules apply without a warning', () => {
    const loaded = loadRulesConfig(path.join(os.tmpdir(), 'no-such-dir-dutydesk', 'rules.json'));
    expect(loaded).toMatchObject({ source: 'shipped', warnings: [] });
  });

  it('changes what it names and keeps the rest', () => {
    const file = siteFile(
      JSON.stringify({
        formatVersion: 1,
        rules: {
          'weekly-meeting': { weekday: 3, at: '14:00' },
          undispatched: { stages: [{ afterHours: 0.5, recipient: 'sceneOperator', dueHours: 1 }] },
        },
      }),
    );
    const loaded = loadRulesConfig(file);
    expect(loaded.source).toBe('override');
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.rules['weekly-meeting']).toMatchObject({
      weekday: 3,
      at: '14:00',
      title: '运行工作例会',
    });
    expect(loaded.config.rules.undispatched.stages[0]?.afterHours).toBe(0.5);
    expect(loaded.config.rules['scene-silent']).toEqual(shippedRulesConfig().rules['scene-silent']);
  });

  it('is rejected whole when one field is wrong, naming the rule and the field', () => {
    const loaded = resolveRulesConfig(shipped, {
      formatVersion: 1,
      rules: {
        // A valid change beside the invalid one: it must not apply either.
        'weekly-meeting': { weekday: 3 },
        'scene-silent': {
          stages: [
            { afterHours: 24, recipient: 'sceneTechnician', dueHours: null },
            { afterHours: '72', recipient: 'sceneOperator', dueHours: null },
            { afterHours: 168, recipient: 'sceneHead', dueHours: null },
          ],
        },
      },
    });
    expect(loaded.source).toBe('shipped');
    expect(loaded.config).toEqual(shippedRulesConfig());
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatch(
      /^rules\.json: scene-silent\.stages\[1\]\.afterHours: .*expected number/,
    );
    expect(loaded.warnings[0]).toContain('the shipped rules stay in force');
  });

  it.each([
    [
      { formatVersion: 1, rules: { 'scene-silnet': { enabled: false } } },
      /rules: Unrecognized key.*scene-silnet/,
    ],
    [
      { formatVersion: 1, rules: { undispatched: { afterMinutes: 30 } } },
      /undispatched: Unrecognized key.*afterMinutes/,
    ],
    [{ formatVersion: 1, rules: { 'sync-rate-low': { minRate: 1.5 } } }, /sync-rate-low\.minRate: Too big/],
    [
      {
        formatVersion: 1,
        rules: {
          'scene-silent': {
            stages: [
              { afterHours: 72, recipient: 'sceneTechnician', dueHours: null },
              { afterHours: 24, recipient: 'sceneOperator', dueHours: null },
            ],
          },
        },
      },
      /scene-silent\.stages\[1\]\.afterHours: must be greater than stages\[0\]\.afterHours/,
    ],
    [
      {
        formatVersion: 1,
        rules: { undispatched: { stages: [{ afterHours: 1, recipient: 'sceneBoss', dueHours: 1 }] } },
      },
      /undispatched\.stages\[0\]\.recipient: Invalid option/,
    ],
    [
      {
        formatVersion: 1,
        rules: { 'non-standard': { formats: { phone: { pattern: '([0-9', message: '格式不正确' } } } },
      },
      /non-standard\.formats\.phone\.pattern: must be a valid regular expression/,
    ],
    [
      {
        formatVersion: 1,
        rules: {
          'non-standard': {
            requiredElements: { common: [{ key: 'contactPhone', label: '电话', format: 'mobile' }] },
          },
        },
      },
      /non-standard\.requiredElements\.common\[0\]\.format: names no entry of formats/,
    ],
    [
      { formatVersion: 1, rules: { 'weekly-report': { at: '25:00' } } },
      /weekly-report\.at: must be a time of day/,
    ],
    [
      { formatVersion: 1, rules: { 'annual-roster': { month: 2, day: 30 } } },
      /annual-roster\.day: does not exist/,
    ],
    [{ formatVersion: 1, timeZone: 'Mars/Olympus' }, /timeZone: must be an IANA time zone/],
    [{ formatVersion: 2 }, /rules\.json: formatVersion: expected 1, found 2/],
    [{ rules: {} }, /rules\.json: formatVersion: expected 1, found nothing/],
    [[1, 2, 3], /rules\.json: \(root\): expected a JSON object/],
  ])('is rejected: %j', (override, message) => {
    const loaded = resolveRulesConfig(shipped, override);
    expect(loaded.source).toBe('shipped');
    expect(loaded.config).toEqual(shippedRulesConfig());
    expect(loaded.warnings[0]).toMatch(message);
  });

  it('that is not JSON is rejected with the file named', () => {
    const file = siteFile('{ "formatVersion": 1, ');
    const loaded = loadRulesConfig(file);
    expect(loaded.source).toBe('shipped');
    expect(loaded.warnings[0]).toContain(`${file} is not valid JSON`);
  });

  it('from the data directory names the file in its warning', () => {
    const file = siteFile(JSON.stringify({ formatVersion: 1, rules: { 'scene-silent': { stages: [] } } }));
    const loaded = loadRulesConfig(file);
    expect(loaded.warnings[0]).toMatch(/rules\.json: scene-silent\.stages: Too small/);
    expect(loaded.warnings[0]?.startsWith(file)).toBe(true);
  });

  it('invalid shipped rules are a build defect and throw', () => {
    expect(() => resolveRulesConfig({ ...shipped, formatVersion: 7 }, undefined)).toThrow(/shipped/);
  });
});
