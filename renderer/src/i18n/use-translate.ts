import { useCallback } from 'react';
import { useAppStore } from '../store/store-context';
import { translate, type Translate } from './messages';

/** The translate function for the operator's current language. */
export function useTranslate(): Translate {
  const locale = useAppStore((state) => state.preferences.locale);
  return useCallback((key, params) => translate(locale, key, params), [locale]);
}
