// A book's proof bundle: its movements as logged, with their inclusion proofs against a signed
// checkpoint, saved as one JSON file. The enterprise keeps it to show, without Cordon and without
// trusting whoever hands it the book, that these movements are the ones customs holds.
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import type { Book } from '../api/types.ts';
import type { BookProofBundle as Bundle } from '../api/transparency-types.ts';
import { useSession } from '../app/session.tsx';
import { useToasts } from '../components/toasts.tsx';
import { toApiError } from '../lib/form-errors.ts';
import { canReadTransparencyLog } from '../lib/rights.ts';
import { saveTextFile } from '../lib/save-file.ts';

export function BookProofBundle({ book }: { book: Pick<Book, 'id' | 'code'> }) {
  const { principal } = useSession();
  const { push } = useToasts();
  const [busy, setBusy] = useState(false);
  const filename = `book-${book.code}-proofs.json`;

  const save = async () => {
    setBusy(true);
    try {
      const bundle = await api<Bundle>(`/api/v1/books/${book.id}/proof-bundle`);
      saveTextFile(filename, `${JSON.stringify(bundle, null, 2)}\n`, 'application/json');
      const count = bundle.movements.length;
      push({ kind: 'success', title: 'Proof bundle saved', body: `${count} ${count === 1 ? 'movement' : 'movements'} with their proofs, in ${filename}` });
    } catch (caught) {
      push({ kind: 'error', title: 'The proof bundle could not be prepared', body: toApiError(caught).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="section-footer" data-testid="proof-bundle">
      <button type="button" className="button" disabled={busy} onClick={() => void save()}>
        {busy ? 'Preparing…' : 'Proof bundle'}
      </button>
      <span className="muted small">
        The book’s movements with proofs that the transparency log holds them. Verify it offline with{' '}
        <code className="mono">cordon log verify-bundle {filename} --vkey &lt;key&gt;</code>; the key is{' '}
        {canReadTransparencyLog(principal) ? (
          <>
            on the <Link to="/transparency">Transparency log</Link> page and
          </>
        ) : null}{' '}
        published at <span className="mono">/api/v1/transparency/key</span>.
      </span>
    </div>
  );
}
