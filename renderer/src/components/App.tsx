import { useEffect } from 'react';
import { useAppStore } from '../store/store-context';
import { ActionsLayer } from './actions/ActionsLayer';
import { AlarmsLayer } from './alarms/AlarmsLayer';
import { KeyboardShell } from './KeyboardShell';
import { NoticeBanner } from './NoticeBanner';
import { QueueArea } from './QueueArea';
import { QueueList } from './QueueList';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';

/** The long-lived frame: top bar, queues on the left, the chosen queue in the centre, the status bar below. */
export function App() {
  const settled = useAppStore((state) => state.preferencesSettled);
  const locale = useAppStore((state) => state.preferences.locale);
  const theme = useAppStore((state) => state.preferences.theme);

  // On <html>, so that the CSS theme, the browser's CJK font choice and screen readers all follow.
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dataset.theme = theme;
  }, [locale, theme]);

  // Until main's preferences are known the frame stays empty rather than flash the wrong language.
  if (!settled) return null;

  return (
    <div className="shell">
      <TopBar />
      <NoticeBanner />
      <AlarmsLayer />
      <div className="workspace">
        <QueueList />
        <QueueArea />
      </div>
      <StatusBar />
      <ActionsLayer />
      <KeyboardShell />
    </div>
  );
}
