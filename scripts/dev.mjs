// npm run dev: the server on :3001 (restarts when server/ or shared/ change) and
// Vite on :3000 (hot reload), proxying /api and /collab to the server.
import { spawn } from 'node:child_process';

const serverPort = '3001';
const children = [];

function start(name, command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[dev] ${name} exited (${signal ?? code}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

// The browser talks to Vite on :3000, so that is the Origin the server must accept.
start('server', process.execPath, ['--watch', '--import', 'tsx', 'server/main.ts'], {
  PORT: serverPort,
  PUBLIC_ORIGIN: process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000',
});
start('vite', process.execPath, ['node_modules/vite/bin/vite.js', '--port', '3000', '--strictPort']);
console.log('[dev] open http://localhost:3000');
