import type { KeyboardEvent } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab inside a modal: from the last focusable element it wraps to the first, and Shift+Tab from the
 * first to the last. Radio buttons of one group count once, as the browser tabs through them.
 */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  const focusable = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => !(element instanceof HTMLInputElement && element.type === 'radio' && !isTabStop(element)),
  );
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !container.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !container.contains(active))) {
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
