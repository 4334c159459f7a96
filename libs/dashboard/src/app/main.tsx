import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DeadLettersPage } from './dead-letters-page';
import { ErrorsPage } from './errors-page';
import { Link } from './link';
import { ResourcesPage } from './resources-page';
import { WorkflowListPage } from './workflow-list-page';
import { WorkflowPage } from './workflow-page';

function App() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const changed = () => setPath(location.pathname);
    addEventListener('popstate', changed);
    return () => removeEventListener('popstate', changed);
  }, []);
  const workflow = /^\/workflows\/([^/]+)$/.exec(path)?.[1];
  return (
    <>
      <header>
        <strong>Fanout</strong>
        <Link href="/">Workflows</Link>
        <Link href="/dead-letters">Dead letters</Link>
        <Link href="/errors">Errors</Link>
        <Link href="/resources">Resources</Link>
      </header>
      <main>
        {workflow ? (
          <WorkflowPage key={workflow} id={decodeURIComponent(workflow)} />
        ) : path === '/dead-letters' ? (
          <DeadLettersPage />
        ) : path === '/errors' ? (
          <ErrorsPage />
        ) : path === '/resources' ? (
          <ResourcesPage />
        ) : (
          <WorkflowListPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
