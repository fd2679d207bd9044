// The account books the user may see: an enterprise its own, staff those of their zones.
import { Link, useNavigate } from 'react-router';
import { withQuery } from '../api/client.ts';
import type { Book, Page } from '../api/types.ts';
import { isStaff, useDirectory, useSession } from '../app/session.tsx';
import { Empty, ErrorMessage, Loading, PageHeader, Tag } from '../components/ui.tsx';
import { formatDate, humanize } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

export function BooksPage() {
  const { principal } = useSession();
  const { zoneId, zoneById, enterpriseById } = useDirectory();
  const navigate = useNavigate();
  const books = useResource<Page<Book>>(withQuery('/api/v1/books', { zoneId, limit: 200 }));
  const { enterpriseById: nameOf } = useDirectory();
  const items = [...(books.data?.items ?? [])].sort(
    (a, b) => (nameOf(a.enterpriseId)?.name ?? '').localeCompare(nameOf(b.enterpriseId)?.name ?? '') || a.code.localeCompare(b.code),
  );
  const staff = isStaff(principal);

  return (
    <>
      <PageHeader title="Account books" subtitle="Stock by item and status, lots back to their admission, reconciliations with the enterprise’s own stock" />
      {books.error ? <ErrorMessage error={books.error} title="The books could not be read" /> : null}
      <div className="table-wrap table-tall">
        <table className="table table-rows">
          <thead>
            <tr>
              <th scope="col">Book</th>
              <th scope="col">Name</th>
              {staff ? <th scope="col">Enterprise</th> : null}
              <th scope="col">Zone</th>
              <th scope="col">Kind</th>
              <th scope="col">Opened</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((book) => (
              <tr
                key={book.id}
                className="clickable"
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a')) return;
                  void navigate(`/books/${book.id}`);
                }}
              >
                <td>
                  <Link to={`/books/${book.id}`} className="mono">
                    {book.code}
                  </Link>
                </td>
                <td>{book.name}</td>
                {staff ? <td>{enterpriseById(book.enterpriseId)?.name ?? '—'}</td> : null}
                <td>{zoneById(book.zoneId)?.code ?? '—'}</td>
                <td>{humanize(book.kind)}</td>
                <td className="nowrap">{formatDate(book.openedOn)}</td>
                <td>{book.active ? <Tag tone="good">Open</Tag> : <Tag>Closed</Tag>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {books.loading && items.length === 0 ? <Loading label="Loading books…" /> : null}
        {!books.loading && !books.error && items.length === 0 ? <Empty>There is no account book here.</Empty> : null}
      </div>
      {books.data?.nextCursor ? <p className="muted small">The first 200 books are shown; choose a zone to narrow the list.</p> : null}
    </>
  );
}
