// A console path that leads nowhere.
import { Link } from 'react-router';
import { Empty, PageHeader } from '../components/ui.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty>
        There is no page at this address. Go to the <Link to="/dashboard">dashboard</Link> or the{' '}
        <Link to="/declarations">declarations</Link>.
      </Empty>
    </>
  );
}
