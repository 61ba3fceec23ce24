import { translate } from '../i18n/messages';

/** Browser mode opened without its token: no call can succeed, so say (in both languages) how to get in. */
export function MissingToken() {
  return (
    <main className="standalone-message" data-testid="missing-token">
      <section lang="zh-CN">
        <h1>{translate('zh-CN', 'token.title')}</h1>
        <p>{translate('zh-CN', 'token.body')}</p>
      </section>
      <section lang="en">
        <h2>{translate('en', 'token.title')}</h2>
        <p>{translate('en', 'token.body')}</p>
      </section>
    </main>
  );
}
