// A decision that needs a reason in words (revoke a document, cancel a pass, let a held truck
// through, retire a device): the dialog asks for the reason, sends it once under one idempotency
// key however often the button is pressed, and shows the server's refusal at the field.
import { useState, type ReactNode } from 'react';
import { newIdempotencyKey } from '../api/client.ts';
import { errorsByPath } from '../lib/form-errors.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { ErrorSummary } from './error-summary.tsx';
import { Field } from './field.tsx';
import { FormDialog } from './form-dialog.tsx';

interface Props<T> {
  title: string;
  description: ReactNode;
  submitLabel: string;
  cancelLabel?: string;
  /** What the summary says when the server refuses. */
  refusedTitle: string;
  hint?: string;
  maxLength: number;
  /** Sends the trimmed reason with the dialog's idempotency key. */
  send: (reason: string, idempotencyKey: string) => Promise<T>;
  onDone: (result: T) => void;
  onClose: () => void;
}

export function ReasonDialog<T>({ title, description, submitLabel, cancelLabel, refusedTitle, hint, maxLength, send, onDone, onClose }: Props<T>) {
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useSubmit();
  const errors = error ? errorsByPath(error.details) : {};
  const submit = () => run(async () => onDone(await send(reason.trim(), key)));
  return (
    <FormDialog
      open
      danger
      title={title}
      description={description}
      submitLabel={submitLabel}
      {...(cancelLabel ? { cancelLabel } : {})}
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      {error ? <ErrorSummary error={error} title={refusedTitle} describe={() => 'Reason'} /> : null}
      <Field path="/reason" label="Reason" error={errors['/reason']} {...(hint ? { hint } : {})} required>
        <textarea rows={3} value={reason} maxLength={maxLength} onChange={(e) => setReason(e.target.value)} autoFocus />
      </Field>
    </FormDialog>
  );
}
