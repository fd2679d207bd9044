// A page the signed-in user's role does not open: said plainly, with the way back, instead of a
// page of refusals. The server refuses the same calls; this only spares the user the attempt.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Principal } from '../api/types.ts';
import { ROLE_NAMES } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { PageHeader } from '../components/ui.tsx';

export function NotAllowedPage({ what }: { what: string }) {
  const { principal } = useSession();
  return (
    <>
      <PageHeader title="Not allowed" />
      <div className="empty not-allowed" data-testid="not-allowed">
        <p>
          As {/^[AEIOU]/.test(ROLE_NAMES[principal.role]) ? 'an' : 'a'} {ROLE_NAMES[principal.role].toLowerCase()} you may not {what}.
        </p>
        <p>
          Ask an administrator if you need it, or go back to the <Link to="/dashboard">dashboard</Link>.
        </p>
      </div>
    </>
  );
}

/** The page when the role may open it, else the plain refusal. */
export function RequireRight({ allowed, what, children }: { allowed: (principal: Principal) => boolean; what: string; children: ReactNode }) {
  const { principal } = useSession();
  return allowed(principal) ? children : <NotAllowedPage what={what} />;
}
