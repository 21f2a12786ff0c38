import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { CollabRegistry } from './collab/registry';
import './styles.css';

// Created once, outside React: StrictMode mounts components twice.
const registry = new CollabRegistry();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App registry={registry} />
  </StrictMode>,
);
