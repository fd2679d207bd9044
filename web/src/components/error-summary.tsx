// What the server refused in a form, above the form: its message and each detail as a button that
// focuses the field concerned. It takes focus itself when shown, so the messages are read out.
import { useEffect, useRef } from 'react';
import type { ApiError } from '../api/client.ts';
import { focusNearestField } from '../lib/form-errors.ts';

interface Props {
  error: ApiError;
  title: string;
  /** Words for a path, e.g. /selectivity/rules/0/name → "Rule 1: name". */
  describe?: (path: string) => string;
  /** Paths are normalized the way the form names its fields. */
  normalize?: (path: string) => string;
}

export function ErrorSummary({ error, title, describe = (p) => p.replace(/^\//, ''), normalize = (p) => p }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [error]);
  const details = error.details.map((d) => ({ ...d, path: normalize(d.path) }));
  return (
    <div className="error-box" tabIndex={-1} role="alert" ref={ref}>
      <strong>{title}</strong>
      <span>{error.message}</span>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              {d.path && d.path !== '/' ? (
                <>
                  <button type="button" className="link-button" onClick={() => focusNearestField(d.path)}>
                    {describe(d.path)}
                  </button>
                  {': '}
                </>
              ) : null}
              {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
