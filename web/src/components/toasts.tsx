// Short notices in the corner: live events, results of actions. Announced to screen readers
// through a polite live region; each goes after a few seconds or when dismissed.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error' | 'alert';
  title: string;
  body?: string;
  href?: string;
}

interface Toasts {
  push: (toast: Omit<Toast, 'id'>) => void;
}

const ToastContext = createContext<Toasts | null>(null);
const MAX_TOASTS = 4;
const TOAST_MS = 7000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const push = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = next.current++;
      setToasts((list) => [...list, { ...toast, id }].slice(-MAX_TOASTS));
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ push }), [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`}>
            <div className="toast-text">
              <strong>{toast.href ? <Link to={toast.href}>{toast.title}</Link> : toast.title}</strong>
              {toast.body ? <span>{toast.body}</span> : null}
            </div>
            <button type="button" className="toast-close" aria-label="Dismiss notice" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts(): Toasts {
  const toasts = useContext(ToastContext);
  if (!toasts) throw new Error('useToasts outside ToastProvider');
  return toasts;
}
