import { useEffect, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';

const focusableSelector =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps keyboard focus inside a modal dialog while it is open: it starts on `initial` (else the dialog), and
 * focus that wanders out (a click behind the backdrop, a script) is brought back.
 */
export function useDialogFocus(
  dialog: RefObject<HTMLElement | null>,
  initial: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    (initial.current ?? dialog.current)?.focus();
    const keepInside = (event: FocusEvent) => {
      const container = dialog.current;
      if (container && event.target instanceof Node && !container.contains(event.target)) {
        (initial.current ?? container).focus();
      }
    };
    document.addEventListener('focusin', keepInside);
    return () => document.removeEventListener('focusin', keepInside);
  }, [dialog, initial]);
}

/** Tab and Shift+Tab cycle through the dialog's controls instead of leaving it. */
export function trapTab(event: ReactKeyboardEvent, container: HTMLElement | null): void {
  if (event.key !== 'Tab' || !container) return;
  const focusables = [...container.querySelectorAll<HTMLElement>(focusableSelector)];
  const first = focusables[0];
  const last = focusables.at(-1);
  event.preventDefault();
  if (!first || !last) {
    container.focus();
    return;
  }
  const index = focusables.indexOf(document.activeElement as HTMLElement);
  const next = event.shiftKey
    ? index <= 0
      ? last
      : focusables[index - 1]
    : index === -1 || index === focusables.length - 1
      ? first
      : focusables[index + 1];
  next?.focus();
}
