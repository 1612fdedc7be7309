// The floor for the startup benchmark: the smallest React app, which marks itself ready after mounting.
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';

function Hello() {
  useEffect(() => document.documentElement.setAttribute('data-app-state', 'ready'), []);
  return <h1>Hello</h1>;
}
createRoot(document.getElementById('root')!).render(<Hello />);
