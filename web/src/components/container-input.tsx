// A container number, checked against ISO 6346 (owner code, category, serial, check digit) by the
// server as it is typed, so a mistyped digit shows before the declaration is sent.
import { useEffect, useState } from 'react';
import { api, isAbort } from '../api/client.ts';
import type { ContainerCheck } from '../api/types.ts';
import { useDebounced } from '../lib/use-resource.ts';

interface Props {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  label: string;
}

export function ContainerInput({ id, value, onChange, label, ...aria }: Props) {
  const [touched, setTouched] = useState(false);
  const [check, setCheck] = useState<ContainerCheck | null>(null);
  const settled = useDebounced(value.replace(/\s+/g, '').toUpperCase(), 300);
  const ready = settled.length >= 11 || (touched && settled.length > 0);

  useEffect(() => {
    if (!ready) {
      setCheck(null);
      return;
    }
    const controller = new AbortController();
    api<ContainerCheck>(`/api/v1/reference/containers/${encodeURIComponent(settled)}`, { signal: controller.signal }).then(
      (answer) => setCheck(answer),
      (error: unknown) => {
        if (!isAbort(error)) setCheck({ number: settled, valid: false, problem: 'it cannot be checked' });
      },
    );
    return () => controller.abort();
  }, [settled, ready]);

  // Once the server has named the problem at this field, its message says it all.
  const status = check && check.number === settled && !aria['aria-invalid'] ? check : null;
  const statusId = id ? `${id}-check` : undefined;
  const describedBy = [aria['aria-describedby'], statusId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="container-input">
      <input
        id={id}
        value={value}
        aria-label={label}
        aria-invalid={aria['aria-invalid'] ?? (check && check.number === settled && !check.valid ? true : undefined)}
        aria-describedby={describedBy}
        className="mono"
        placeholder="ABCU1234560"
        maxLength={20}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value.toUpperCase())}
        onBlur={() => setTouched(true)}
      />
      <span id={statusId} className={`check ${status ? (status.valid ? 'check-ok' : 'check-bad') : ''}`} aria-live="polite">
        {status ? (status.valid ? '✓ Valid ISO 6346 number' : `✗ ${status.problem ?? 'not a valid container number'}`) : ''}
      </span>
    </div>
  );
}
