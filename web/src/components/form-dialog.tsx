// A modal form: a title, the form's fields, Cancel and the action. The native <dialog> keeps focus
// inside, returns it when closed and closes on Escape (unless the action is under way). Used for
// the administration's small forms and for confirmations that need no reason (deactivate, revoke).
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  open: boolean;
  title: string;
  description?: ReactNode;
  /** Without it the dialog only shows (a result) and closes. */
  submitLabel?: string;
  cancelLabel?: string;
  busy?: boolean;
  danger?: boolean;
  wide?: boolean;
  onSubmit?: () => void;
  onClose: () => void;
  children?: ReactNode;
}

export function FormDialog({ open, title, description, submitLabel, cancelLabel, busy = false, danger, wide, onSubmit, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // A dialog taken away with its page part (rather than closed) gives the focus back all the same.
  useEffect(
    () => () => {
      const element = opener.current;
      if (element?.isConnected) element.focus();
    },
    [],
  );

  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
      onCancel={(event) => {
        if (busy) event.preventDefault();
      }}
    >
      {open ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) onSubmit?.();
          }}
        >
          <h2 id={titleId}>{title}</h2>
          {description ? <div className="dialog-description">{description}</div> : null}
          {children}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose} disabled={busy}>
              {cancelLabel ?? (submitLabel ? 'Cancel' : 'Close')}
            </button>
            {submitLabel ? (
              <button type="submit" className={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={busy}>
                {busy ? 'Working…' : submitLabel}
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
