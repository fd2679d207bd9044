// A modal confirmation for a consequential action, asking for the reason that goes into the
// declaration's history. The native <dialog> keeps focus inside and closes on Escape. The server's
// refusal is shown in the dialog, so the user can correct and try again.
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { ErrorMessage } from './ui.tsx';

export interface ConfirmRequest {
  title: string;
  description: string;
  confirmLabel: string;
  danger?: boolean;
  reasonRequired: boolean;
  reasonLabel?: string;
  onConfirm: (reason: string) => Promise<void>;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const titleId = useId();
  const reasonId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) {
      setReason('');
      setError(null);
      setBusy(false);
      dialog.showModal();
    } else if (!request && dialog.open) {
      dialog.close();
    }
  }, [request]);

  const submit = async () => {
    if (!request) return;
    if (request.reasonRequired && reason.trim() === '') {
      setError(new Error('Give a reason: it is kept in the declaration’s history.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await request.onConfirm(reason.trim());
      onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={() => onClose()}>
      {request ? (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <h2 id={titleId}>{request.title}</h2>
          <p>{request.description}</p>
          <label htmlFor={reasonId}>
            {request.reasonLabel ?? 'Reason'}
            {request.reasonRequired ? <span className="required"> (required)</span> : <span className="optional"> (optional)</span>}
          </label>
          <textarea id={reasonId} rows={3} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} autoFocus />
          {error ? <ErrorMessage error={error} title="Not done" /> : null}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose} disabled={busy}>
              Back
            </button>
            <button type="submit" className={`button ${request.danger ? 'button-danger' : 'button-primary'}`} disabled={busy}>
              {busy ? 'Working…' : request.confirmLabel}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
