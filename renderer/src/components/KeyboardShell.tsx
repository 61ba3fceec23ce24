import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Command } from '../commands/command-registry';
import { chordLabel, chordOf, findKeyConflicts, KeySequenceMatcher } from '../commands/key-dispatcher';
import { shellCommands } from '../commands/navigation-commands';
import { useCommandList, useCommandRegistry } from '../commands/use-commands';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';
import { CommandPalette } from './CommandPalette';
import { KeyHelpOverlay } from './KeyHelpOverlay';
import './keyboard.css';
import { isTextEntry } from '../dom/text-entry';

/** How long a started sequence (`g` …) waits for its next key. */
const SEQUENCE_TIMEOUT_MS = 1_500;
/** How long a "not available" message stays. */
const MESSAGE_MS = 4_000;

type Dialog = 'keyHelp' | 'palette';

/**
 * The keyboard dispatcher: one keydown listener on the window that runs the registered command bound to the
 * keys pressed. It leaves alone keys typed into fields, keys a widget already handled (defaultPrevented),
 * and everything while a modal dialog is open (the dialog owns the keyboard). A disabled command never runs:
 * the operator is told briefly why. It also holds the `?` overlay and the Ctrl+K palette, and gives focus
 * back to where it was when they close.
 */
export function KeyboardShell() {
  const t = useTranslate();
  const registry = useCommandRegistry();
  const commands = useCommandList();
  const gridControl = useAppStore((state) => state.gridControl);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const matcher = useMemo(() => new KeySequenceMatcher(SEQUENCE_TIMEOUT_MS), []);

  const open = useCallback((which: Dialog) => {
    const active = document.activeElement;
    returnFocus.current = active instanceof HTMLElement && active !== document.body ? active : null;
    setPending(null);
    setDialog(which);
  }, []);

  // What to do once the dialog is gone: focus goes back first, then a command chosen in the palette runs (so
  // that the focus it sets wins). Not before: while the dialog is mounted it keeps focus inside itself.
  const closing = useRef<{ then: Command | null } | null>(null);
  const close = useCallback((then: Command | null = null) => {
    closing.current = { then };
    setDialog(null);
  }, []);
  useEffect(() => {
    const closed = closing.current;
    if (dialog !== null || closed === null) return;
    closing.current = null;
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back?.isConnected) back.focus();
    else gridControl?.focusSelected();
    closed.then?.run();
  }, [dialog, gridControl]);

  useEffect(() => registry.register(shellCommands(open)), [registry, open]);

  // A command registered twice on the same keys is a programming error: say so where developers look.
  useEffect(() => {
    for (const conflict of findKeyConflicts(commands)) {
      console.error(
        `Key binding conflict: ${conflict.sequence.join(' ')} is bound by ${conflict.commandIds.join(' and ')}`,
      );
    }
  }, [commands]);

  useEffect(() => {
    if (message === null) return;
    const timer = setTimeout(() => setMessage(null), MESSAGE_MS);
    return () => clearTimeout(timer);
  }, [message]);

  useEffect(() => {
    if (pending === null) return;
    const timer = setTimeout(() => {
      matcher.reset();
      setPending(null);
    }, SEQUENCE_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [pending, matcher]);

  useEffect(() => {
    const tell = (command: Command) => {
      const reason = command.disabledReason?.() ?? 'console.keys.notForSelection';
      setMessage(t('console.keys.unavailable', { command: t(command.title), reason: t(reason) }));
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return;
      if (document.querySelector('[aria-modal="true"]')) {
        matcher.reset();
        return;
      }
      const chord = chordOf(event);
      if (chord === null) return;
      const modified = event.ctrlKey || event.altKey || event.metaKey;
      if (!modified && isTextEntry(event.target)) return;
      const outcome = matcher.press(chord, registry.list(), performance.now());
      switch (outcome.kind) {
        case 'unbound':
          setPending(null);
          return;
        case 'pending':
          event.preventDefault();
          setPending(outcome.prefix.map(chordLabel).join(' '));
          return;
        case 'broken':
          event.preventDefault();
          setPending(null);
          setMessage(t('console.keys.broken', { keys: outcome.sequence.map(chordLabel).join(' ') }));
          return;
        case 'matched':
          event.preventDefault();
          setPending(null);
          if (outcome.command.isEnabled()) {
            setMessage(null);
            outcome.command.run();
          } else {
            tell(outcome.command);
          }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [matcher, registry, t]);

  const runFromPalette = useCallback((command: Command) => close(command), [close]);

  return (
    <>
      <div className="key-feedback" aria-live="polite" data-testid="key-feedback">
        {pending !== null && (
          <span className="key-pending" data-testid="key-pending">
            <kbd>{pending}</kbd> …
            <span className="visually-hidden">{t('console.keys.pending', { keys: pending })}</span>
          </span>
        )}
        {message !== null && (
          <span className="key-message" data-testid="key-message">
            {message}
          </span>
        )}
      </div>
      {dialog === 'keyHelp' && <KeyHelpOverlay onClose={() => close()} />}
      {dialog === 'palette' && <CommandPalette onClose={() => close()} onRun={runFromPalette} />}
    </>
  );
}
