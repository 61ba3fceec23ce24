import { describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../../preload/contract';
import { detailKey, elementProblemCount, formatRate, timelineKindKey } from './detail-format';

describe('detail formatting', () => {
  it('names the platform timeline kinds and falls back for unknown ones', () => {
    expect(timelineKindKey('push')).toBe('pane.timeline.push');
    expect(timelineKindKey('promptRaised')).toBe('pane.timeline.promptRaised');
    expect(timelineKindKey('somethingNew')).toBe('pane.timeline.other');
    expect(detailKey('pane.alertStatus.closed')).toBe('pane.alertStatus.closed');
    expect(detailKey('pane.alertStatus.archived')).toBeNull();
  });

  it('shows rates with one decimal at most', () => {
    expect([formatRate(0.97), formatRate(0.8765), formatRate(1)]).toEqual(['97%', '87.7%', '100%']);
  });

  it('counts the problem elements', () => {
    const detail = {
      alert: {
        elements: [
          { key: 'a', label: 'A', value: null, problem: 'missing', problemDetail: '未填写A' },
          { key: 'b', label: 'B', value: 'x', problem: null, problemDetail: null },
        ],
      },
    } as unknown as ItemDetail;
    expect(elementProblemCount(detail)).toBe(1);
    expect(elementProblemCount(null)).toBe(0);
  });
});
