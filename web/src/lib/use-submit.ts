// Runs a form's request: busy while it runs, the server's refusal kept for the form to show at its
// fields. Shared by the console's dialogs.
import { useState } from 'react';
import type { ApiError } from '../api/client.ts';
import { toApiError } from './form-errors.ts';

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
