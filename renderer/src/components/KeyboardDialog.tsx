import { useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { trapTab, useDialogFocus } from './dialog-focus';
import './keyboard.css';

export interface KeyboardDialogProps {
  /** Added to `keyboard-dialog`. */
  className: string;
  testId: string;
  /** The id of the element that names the dialog. */
  labelledBy: string;
  /** Where focus starts (else the dialog itself). */
  initialFocus: RefObject<HTMLElement | null>;
  onClose: () => void;
  /** Keys that close the dialog, besides Escape. */
  closeKeys?: readonly string[];
  /** The dialog's own keys, seen before Tab is kept inside; returns true when it handled the key. */
  onKey?: (event: KeyboardEvent<HTMLDivElement>) => boolean;
  children: ReactNode;
}

/**
 * The modal shell of the keyboard shell's dialogs (the `?` overlay, the Ctrl+K palette): a backdrop that closes it
 * when clicked, focus kept inside, Escape (and `closeKeys`) to close.
 */
export function KeyboardDialog({
  className,
  testId,
  labelledBy,
  initialFocus,
  onClose,
  closeKeys = [],
  onKey,
  children,
}: KeyboardDialogProps) {
  const dialog = useRef<HTMLDivElement>(null);
  useDialogFocus(dialog, initialFocus);
  return (
    <div className="keyboard-backdrop" onMouseDown={onClose}>
      <div
        ref={dialog}
        className={`keyboard-dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        tabIndex={-1}
        data-testid={testId}
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape' || closeKeys.includes(event.key)) {
            event.preventDefault();
            event.stopPropagation();
            onClose();
            return;
          }
          if (onKey?.(event)) return;
          trapTab(event, dialog.current);
        }}
      >
        {children}
      </div>
    </div>
  );
}
