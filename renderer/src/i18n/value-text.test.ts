import { describe, expect, it } from 'vitest';
import { queueIds, queueTextColumns } from '../../../preload/contract';
import { translate, type Translate } from './messages';
import {
  codesNamedBy,
  columnValueKind,
  namedCodes,
  quickFilterCodesFor,
  valueKinds,
  valueText,
} from './value-text';

const zh: Translate = (key, params) => translate('zh-CN', key, params);
const en: Translate = (key, params) => translate('en', key, params);

describe('valueText', () => {
  it('names the codes in the operator language', () => {
    expect(valueText(zh, 'alertStatus', 'handling')).toBe('处置中');
    expect(valueText(en, 'alertStatus', 'handling')).toBe('Handling');
    expect(valueText(zh, 'level', 'red')).toBe('红');
    expect(valueText(zh, 'riskCategory', 'gasPipeline')).toBe('燃气管线');
    expect(valueText(zh, 'rule', 'weekly-report')).toBe('运行周报');
    expect(valueText(zh, 'recipientRole', 'techOps')).toBe('技术运维组');
    expect(valueText(zh, 'redStage', 'majorLoop:emergency')).toBe('大闭环（突发事件类）');
    expect(valueText(zh, 'promptState', 'raised')).toBe('待下发');
  });

  it('shows an unknown code as it came', () => {
    expect(valueText(zh, 'alertStatus', 'archived')).toBe('archived');
    expect(valueText(zh, 'rule', 'toString')).toBe('toString');
    expect(valueText(zh, 'level', '')).toBe('');
  });

  it('names every code of the contract and the design', () => {
    expect(namedCodes('riskCategory')).toHaveLength(15);
    expect(namedCodes('rule')).toHaveLength(17);
    expect(namedCodes('recipientRole')).toHaveLength(5);
    expect(namedCodes('level').sort()).toEqual(['blue', 'orange', 'red', 'yellow']);
    for (const kind of valueKinds) expect(namedCodes(kind).length, kind).toBeGreaterThan(0);
  });
});

describe('codesNamedBy', () => {
  it('finds the codes whose name in either language contains the text', () => {
    expect(codesNamedBy('level', '红')).toEqual(['red']);
    expect(codesNamedBy('level', 'RED')).toEqual(['red']);
    expect(codesNamedBy('riskCategory', '燃气').sort()).toEqual(['gasPipeline', 'restaurantGas']);
    expect(codesNamedBy('alertStatus', '派单').sort()).toEqual(['dispatched', 'pending']);
    expect(codesNamedBy('redStage', '大闭环').sort()).toEqual(['majorLoop:emergency', 'majorLoop:risk']);
    expect(codesNamedBy('level', ' ')).toEqual([]);
    expect(codesNamedBy('level', '紫')).toEqual([]);
  });
});

describe('the codes of a queue column', () => {
  it('reads a column by what its queue holds there', () => {
    expect(columnValueKind('redAlerts', 'status')).toBe('alertStatus');
    expect(columnValueKind('workPrompts', 'status')).toBe('promptState');
    expect(columnValueKind('workPrompts', 'category')).toBe('rule');
    expect(columnValueKind('dutyItems', 'handler')).toBe('recipientRole');
    expect(columnValueKind('silentScenes', 'status')).toBe('sceneKind');
    expect(columnValueKind('deviceIssues', 'status')).toBe('deviceStatus');
    expect(columnValueKind('redAlerts', 'detail')).toBe('redStage');
    expect(columnValueKind('undispatched', 'detail')).toBeNull();
    expect(columnValueKind('undispatched', 'title')).toBeNull();
    for (const queue of queueIds) expect(columnValueKind(queue, 'location')).toBeNull();
  });

  it('sends the quick filter the codes each coded column names', () => {
    expect(quickFilterCodesFor('redAlerts', '红', queueTextColumns)).toEqual([
      { column: 'level', codes: ['red'] },
    ]);
    expect(quickFilterCodesFor('workPrompts', '周报', queueTextColumns)).toEqual([
      { column: 'category', codes: ['weekly-report'] },
    ]);
    expect(quickFilterCodesFor('undispatched', '张江路', queueTextColumns)).toEqual([]);
  });
});
