import { useEffect, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';

const focusableSelector =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

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

/**
 * Keeps Tab inside a modal: from the last focusable element it wraps to the first, and Shift+Tab from the first
 * (or from the dialog itself) to the last; between them the browser moves as usual. Radio buttons of one group
 * count once, as the browser tabs through them. Other keys are left alone.
 */
export function trapTab(event: ReactKeyboardEvent, container: HTMLElement | null): void {
  if (event.key !== 'Tab' || !container) return;
  const focusable = [...container.querySelectorAll<HTMLElement>(focusableSelector)].filter(
    (element) => !(element instanceof HTMLInputElement && element.type === 'radio' && !isTabStop(element)),
  );
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) {
    event.preventDefault();
    container.focus();
    return;
  }
  const active = document.activeElement;
  const onAControl = active !== container && container.contains(active);
  if (event.shiftKey && (active === first || !onAControl)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !onAControl)) {
    event.preventDefault();
    first.focus();
  }
}

/** The radio of a group that Tab stops on: the checked one, else the group's first. */
function isTabStop(radio: HTMLInputElement): boolean {
  const group = radio.form
    ? [
        ...radio.form.querySelectorAll<HTMLInputElement>(
          `input[type="radio"][name="${CSS.escape(radio.name)}"]`,
        ),
      ]
    : [radio];
  const checked = group.find((element) => element.checked);
  return checked ? checked === radio : group[0] === radio;
}
