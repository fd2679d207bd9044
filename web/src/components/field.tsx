// A labelled form field with its hint and the server's message for it, tied together for assistive
// technology (aria-describedby, aria-invalid). Field ids derive from the JSON pointer the server
// names in error details (/lines/0/hsCode → field-lines-0-hsCode), so an error summary can focus it.
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';

export function fieldId(path: string): string {
  return `field${path.replaceAll('/', '-')}`;
}

interface FieldProps {
  path: string;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
  children: ReactElement<Record<string, unknown>>;
}

export function Field({ path, label, error, hint, required, className, children }: FieldProps) {
  const id = fieldId(path);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })
    : children;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {hint ? (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
    </div>
  );
}
