import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';

/** The embedded demo district's accounts; each password is the username followed by `-demo`. */
const demoAccounts = [
  { username: 'zhangmin', shiftLead: false },
  { username: 'liqiang', shiftLead: false },
  { username: 'wangfang', shiftLead: false },
  { username: 'liuyang', shiftLead: false },
  { username: 'chenjing', shiftLead: true },
] as const;

/** Whether the centre shows the sign-in form: nobody signed in against a configured platform, or asked for. */
export function useSignInShown(): boolean {
  return useAppStore(
    (state) =>
      state.signInFormOpen ||
      (state.status !== null &&
        state.status.operator === null &&
        state.status.connection.state !== 'unconfigured'),
  );
}

export function SignInForm() {
  const t = useTranslate();
  const demo = useAppStore((state) => state.appInfo?.demo === true);
  const signingIn = useAppStore((state) => state.signingIn);
  const error = useAppStore((state) => state.signInError);
  const signedIn = useAppStore((state) => (state.status?.operator ?? null) !== null);
  const signIn = useAppStore((state) => state.signIn);
  const closeSignInForm = useAppStore((state) => state.closeSignInForm);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const usernameInput = useRef<HTMLInputElement>(null);

  // The form is where the operator's hands go: the username field takes focus when it appears.
  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (signingIn || username.trim() === '' || password === '') return;
    void signIn(username.trim(), password);
  };

  return (
    <section className="sign-in" data-testid="sign-in" aria-labelledby="sign-in-title">
      <form className="sign-in-form" data-testid="sign-in-form" onSubmit={submit}>
        <h2 className="sign-in-title" id="sign-in-title">
          {t('signIn.title')}
        </h2>
        <p className="sign-in-intro">{t('signIn.intro')}</p>
        <label className="field">
          <span className="field-label">{t('signIn.username')}</span>
          <input
            ref={usernameInput}
            name="username"
            data-testid="sign-in-username"
            autoComplete="username"
            required
            maxLength={100}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('signIn.password')}</span>
          <input
            name="password"
            type="password"
            data-testid="sign-in-password"
            autoComplete="current-password"
            required
            maxLength={200}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error !== null && (
          <p className="sign-in-error" role="alert" data-testid="sign-in-error" data-code={error}>
            {error === 'SIGN_IN_REFUSED' ? t('signIn.refused') : t(`error.${error}`)}
          </p>
        )}
        <div className="sign-in-actions">
          <button type="submit" className="primary-button" data-testid="sign-in-submit" disabled={signingIn}>
            {signingIn ? t('signIn.submitting') : t('signIn.submit')}
          </button>
          {signedIn && (
            <button type="button" className="switch-button" onClick={closeSignInForm}>
              {t('signIn.cancel')}
            </button>
          )}
        </div>
      </form>
      {demo && (
        <div className="demo-accounts" data-testid="demo-accounts">
          <h3 className="demo-accounts-title">{t('signIn.demoAccounts')}</h3>
          <ul>
            {demoAccounts.map((account) => (
              <li key={account.username}>
                <button
                  type="button"
                  className="demo-account"
                  data-testid={`demo-account-${account.username}`}
                  onClick={() => {
                    setUsername(account.username);
                    setPassword(`${account.username}-demo`);
                    usernameInput.current?.focus();
                  }}
                >
                  <code>{account.username}</code> / <code>{account.username}-demo</code>
                  {account.shiftLead && <span className="demo-role">（{t('signIn.demoShiftLead')}）</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Asks, without blocking anything, for a new sign-in once the platform has refused the session. */
export function SessionExpiredBanner() {
  const t = useTranslate();
  const expired = useAppStore((state) => state.status?.sessionExpired === true);
  const formOpen = useAppStore((state) => state.signInFormOpen);
  const openSignInForm = useAppStore((state) => state.openSignInForm);
  if (!expired) return null;
  return (
    <div className="notice notice-warning session-expired" data-testid="session-expired">
      <p className="notice-text">{t('signIn.expired')}</p>
      {!formOpen && (
        <button type="button" className="notice-dismiss" onClick={openSignInForm}>
          {t('signIn.again')}
        </button>
      )}
    </div>
  );
}

/** The signed-in operator's way out, in the top bar. */
export function SignOutButton() {
  const t = useTranslate();
  const operator = useAppStore((state) => state.status?.operator ?? null);
  const signOut = useAppStore((state) => state.signOut);
  if (!operator) return null;
  return (
    <button
      type="button"
      className="switch-button"
      data-testid="sign-out"
      title={t('signOut.hint', { name: operator.name })}
      onClick={() => void signOut()}
    >
      {t('signOut.button')}
    </button>
  );
}
