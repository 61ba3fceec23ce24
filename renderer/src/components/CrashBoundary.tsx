import { Component, type ErrorInfo, type ReactNode } from 'react';
import { translate } from '../i18n/messages';

interface CrashBoundaryState {
  failed: boolean;
}

/**
 * The last line of defence: a rendering bug must leave the operator a message and a way back, not a
 * blank screen. The text is bilingual because the failure may lie in the very code that picks the language.
 */
export class CrashBoundary extends Component<{ children: ReactNode }, CrashBoundaryState> {
  override state: CrashBoundaryState = { failed: false };

  static getDerivedStateFromError(): CrashBoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('the interface crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="standalone-message" data-testid="crash">
        <h1 lang="zh-CN">{translate('zh-CN', 'crash.title')}</h1>
        <p lang="en">{translate('en', 'crash.title')}</p>
        <button type="button" className="switch-button" onClick={() => window.location.reload()}>
          <span lang="zh-CN">{translate('zh-CN', 'crash.reload')}</span> /{' '}
          <span lang="en">{translate('en', 'crash.reload')}</span>
        </button>
      </main>
    );
  }
}
