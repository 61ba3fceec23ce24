import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import { actionFields, type FieldProblem, type FieldSpec } from './action-model';
import { failureText, problemText, ruleWords } from './action-words';
import { trapTab } from '../dialog-focus';
import './actions.css';

interface FieldProps {
  field: FieldSpec;
  id: string;
  value: string;
  problem: FieldProblem | undefined;
  onChange: (value: string) => void;
}

function FieldControl({ field, id, value, problem, onChange }: FieldProps) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy =
    [field.hint ? hintId : null, problem ? errorId : null].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {t(field.label)}
      {field.required && (
        <span className="action-required" title={t('actions.dialog.required')}>
          <span aria-hidden="true"> *</span>
          <span className="visually-hidden">（{t('actions.dialog.required')}）</span>
        </span>
      )}
    </>
  );
  const common = {
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
    'data-field': field.name,
  } as const;
  const after = (
    <>
      {field.hint && (
        <p className="action-field-hint" id={hintId}>
          {t(field.hint)}
        </p>
      )}
      {problem && (
        <p className="action-field-error" id={errorId} data-testid={`action-error-${field.name}`}>
          {problemText(t, field, problem, timeZone)}
        </p>
      )}
    </>
  );

  if (field.kind === 'choice') {
    return (
      <fieldset className="action-field action-choice" {...common} aria-required={undefined}>
        <legend>{label}</legend>
        {field.options?.map((option) => (
          <label key={option.value} className="action-option">
            <input
              type="radio"
              name={id}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              aria-required={field.required || undefined}
              data-testid={`action-option-${field.name}-${option.value}`}
            />
            <span className="action-option-label">{t(option.label)}</span>
            {option.hint && <span className="action-option-hint">{t(option.hint)}</span>}
          </label>
        ))}
        {after}
      </fieldset>
    );
  }
  return (
    <div className="action-field">
      <label htmlFor={id}>{label}</label>
      {field.kind === 'select' && (
        <select id={id} value={value} onChange={(event) => onChange(event.target.value)} {...common}>
          {field.options?.map((option) => (
            <option key={option.value} value={option.value}>
              {t(option.label)}
            </option>
          ))}
        </select>
      )}
      {field.kind === 'multiline' && (
        <textarea
          id={id}
          rows={4}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...common}
        />
      )}
      {field.kind === 'datetime' && (
        <input
          id={id}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          placeholder="YYYY-MM-DD HH:mm"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...common}
        />
      )}
      {after}
    </div>
  );
}

/**
 * The form of one action, as a modal dialog: the first field has focus, Tab stays inside, Enter (Ctrl+Enter in
 * a multi-line text) submits, Esc cancels. A failed submit keeps everything the operator typed and says why.
 */
export function ActionDialog() {
  const t = useTranslate();
  const draft = useAppStore((state) => state.actionDraft);
  const problems = useAppStore((state) => state.actionProblems);
  const submitting = useAppStore((state) => state.actionSubmitting);
  const failure = useAppStore((state) => state.actionFailure);
  const setDraftValue = useAppStore((state) => state.setDraftValue);
  const cancel = useAppStore((state) => state.cancelActionDraft);
  const submit = useAppStore((state) => state.submitActionDraft);
  const dialog = useRef<HTMLDivElement>(null);
  const id = useId();
  const kind = draft?.kind ?? null;

  // The first field of a new form has focus (the first of a group of options: the one chosen, or the first).
  useEffect(() => {
    if (kind === null) return;
    const first =
      dialog.current?.querySelector<HTMLElement>('[data-field] input:checked') ??
      dialog.current?.querySelector<HTMLElement>('input, select, textarea, button[type="submit"]');
    first?.focus();
  }, [kind]);

  /** Sends the form; when it is refused for its content, the first field with a problem has focus. */
  const send = async () => {
    if (await submit()) return;
    dialog.current
      ?.querySelector<HTMLElement>(
        '[aria-invalid="true"] input, [aria-invalid="true"]:is(input, select, textarea)',
      )
      ?.focus();
  };

  if (draft === null) return null;
  const fields = actionFields[draft.kind];
  const problemList = fields.filter((field) => problems[field.name] !== undefined);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The dialog is modal: no key reaches the screen behind it.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      cancel();
      return;
    }
    if (event.key === 'Tab' && dialog.current) {
      trapTab(event, dialog.current);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.nativeEvent.isComposing) return;
    const target = event.target as HTMLElement;
    const withModifier = event.ctrlKey || event.metaKey;
    if (!withModifier && (target.tagName === 'TEXTAREA' || target.tagName === 'BUTTON')) return;
    event.preventDefault();
    void send();
  };

  return (
    <div className="action-backdrop">
      <div
        ref={dialog}
        className="action-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-subject`}
        data-testid="action-dialog"
        data-kind={draft.kind}
        onKeyDown={onKeyDown}
      >
        <h2 className="action-dialog-title" id={`${id}-title`}>
          {t(`actions.kind.${draft.kind}`)}
        </h2>
        <p className="action-dialog-subject" id={`${id}-subject`}>
          {t('actions.dialog.on', { subject: draft.subjectLabel })}
        </p>
        {draft.retryOf !== null && <p className="action-dialog-note">{t('actions.dialog.retrying')}</p>}
        {draft.rule !== null && (
          <p className="action-dialog-note">{t('actions.dialog.rule', { rule: ruleWords(t, draft.rule) })}</p>
        )}
        <form
          noValidate
          className="action-form"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          {fields.map((field) => (
            <FieldControl
              key={field.name}
              field={field}
              id={`${id}-${field.name}`}
              value={draft.values[field.name] ?? ''}
              problem={problems[field.name]}
              onChange={(value) => setDraftValue(field.name, value)}
            />
          ))}
          {fields.length === 0 && <p>{t('actions.dialog.noFields')}</p>}
          {problemList.length > 0 && (
            <div className="action-problems" role="alert" data-testid="action-problems">
              {t('actions.dialog.problems')}
              <ul>
                {problemList.map((field) => (
                  <li key={field.name}>{t(field.label)}</li>
                ))}
              </ul>
            </div>
          )}
          {failure && (
            <p className="action-failure" role="alert" data-testid="action-failure" data-code={failure.code}>
              {t('actions.dialog.failed', { reason: failureText(t, failure, draft) })}
            </p>
          )}
          <div className="action-dialog-buttons">
            <button
              type="submit"
              className="action-primary"
              disabled={submitting}
              data-testid="action-submit"
            >
              {submitting
                ? t('actions.dialog.submitting')
                : t(draft.retryOf === null ? 'actions.dialog.submit' : 'actions.dialog.retrySubmit')}
            </button>
            <button type="button" onClick={cancel} data-testid="action-cancel">
              {t('actions.dialog.cancel')}
            </button>
          </div>
          <p className="action-dialog-keys">{t('actions.dialog.keys')}</p>
        </form>
      </div>
    </div>
  );
}
