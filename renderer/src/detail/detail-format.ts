import type { ItemDetail } from '../../../preload/contract';
import { detailMessages } from '../i18n/messages-detail';

export type DetailMessageKey = keyof (typeof detailMessages)['zh-CN'];

/** `key` when the detail table defines it, else null: values from the platform may be ones we have no words for. */
export function detailKey(key: string): DetailMessageKey | null {
  return Object.hasOwn(detailMessages['zh-CN'], key) ? (key as DetailMessageKey) : null;
}

/** The words for a timeline entry's kind; an unknown kind reads "记录" rather than an identifier. */
export function timelineKindKey(kind: string): DetailMessageKey {
  return detailKey(`pane.timeline.${kind}`) ?? 'pane.timeline.other';
}

/** `87.5%`: one decimal at most. */
export function formatRate(rate: number): string {
  const tenths = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`;
}

/** How many of the alert's elements are missing or malformed. */
export function elementProblemCount(detail: ItemDetail | null): number {
  return detail?.alert?.elements.filter((element) => element.problem !== null).length ?? 0;
}
