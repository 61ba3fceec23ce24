import type { Locale } from '../../../preload/contract';

/** One domain's texts in every locale; the English table must have exactly the Chinese table's keys. */
export type MessageModule<K extends string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

/**
 * Declares a domain's texts. The Chinese table is the reference; the type of `en` forbids missing keys
 * and, through the object literal's excess-property check, extra ones.
 */
export function defineMessages<const Z extends Record<string, string>>(
  zhCN: Z,
  en: { readonly [K in keyof Z]: string },
): MessageModule<keyof Z & string> {
  return { 'zh-CN': zhCN, en };
}
