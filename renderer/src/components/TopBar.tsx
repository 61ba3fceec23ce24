import type { Locale, Theme } from '../../../preload/contract';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';
import { SignOutButton } from './SignIn';

const otherLocale: Record<Locale, Locale> = { 'zh-CN': 'en', en: 'zh-CN' };
const otherTheme: Record<Theme, Theme> = { dark: 'light', light: 'dark' };

export function TopBar() {
  const t = useTranslate();
  const demo = useAppStore((state) => state.appInfo?.demo === true);
  const locale = useAppStore((state) => state.preferences.locale);
  const theme = useAppStore((state) => state.preferences.theme);
  const updatePreferences = useAppStore((state) => state.updatePreferences);

  return (
    <header className="top-bar">
      <div className="brand">
        {/* The product's name in both languages, whatever the interface language. */}
        <span className="brand-name" lang="zh-CN">
          值班台
        </span>
        <span className="brand-subname" lang="en">
          DutyDesk
        </span>
      </div>
      {demo && (
        <span className="demo-badge" data-testid="demo-badge" title={t('app.demoBadgeHint')}>
          {t('app.demoBadge')}
        </span>
      )}
      <div className="top-bar-actions">
        <SignOutButton />
        <button
          type="button"
          className="switch-button"
          data-testid="locale-switch"
          lang={otherLocale[locale]}
          title={t('app.switchLocaleHint')}
          onClick={() => void updatePreferences({ locale: otherLocale[locale] })}
        >
          {t('app.switchLocale')}
        </button>
        <button
          type="button"
          className="switch-button"
          data-testid="theme-switch"
          title={t(theme === 'dark' ? 'app.switchToLightHint' : 'app.switchToDarkHint')}
          onClick={() => void updatePreferences({ theme: otherTheme[theme] })}
        >
          <span className="switch-icon" aria-hidden="true">
            {theme === 'dark' ? '☀' : '☾'}
          </span>
          {t(theme === 'dark' ? 'app.switchToLight' : 'app.switchToDark')}
        </button>
      </div>
    </header>
  );
}
