// Benchmark of GET /api/v1/readiness (not a test: it measures and prints).
//   node end2end/bench/readiness.mjs [clients] [requests]   (after scripts/build.sh)
// Seeds the demo trust (24 wards with six months of history: about 4,600 findings, 130
// ratings), starts its own server on SQLite, signs the board member in, and sends `requests`
// readiness requests from `clients` concurrent clients on loopback; prints p50/p99/max.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'target/release/readyward');
const SITE = path.join(root, 'target/site');
const PORT = 3298;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'readyward-bench-2026';
const clients = Number(process.argv[2] ?? 50);
const requests = Number(process.argv[3] ?? 2000);
const data = mkdtempSync(path.join(os.tmpdir(), 'readyward-bench-readiness-'));

execFileSync(BIN, ['seed-demo', '--data-dir', data], { env: { ...process.env, READYWARD_DEMO_PASSWORD: PASSWORD } });
const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${PORT}`, '--data-dir', data, '--site-root', SITE], { stdio: 'ignore' });
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/healthz`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'board@demo.nhs.test', password: PASSWORD }),
  });
  const { token } = await login.json();
  const headers = { authorization: `Bearer ${token}` };
  const one = async () => {
    const t = performance.now();
    const r = await fetch(`${BASE}/api/v1/readiness`, { headers });
    if (!r.ok) throw new Error(`status ${r.status}`);
    await r.arrayBuffer();
    return performance.now() - t;
  };
  for (let i = 0; i < 20; i++) await one(); // warm up
  const times = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next++ < requests) times.push(await one());
    }),
  );
  const wall = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
  const size = (await (await fetch(`${BASE}/api/v1/readiness`, { headers })).arrayBuffer()).byteLength;
  console.log(
    `GET /api/v1/readiness, ${clients} clients, ${times.length} requests: ` +
      `p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms, ` +
      `${(times.length / wall).toFixed(0)} requests/s; answer ${(size / 1024).toFixed(0)} KB`,
  );
} finally {
  server.kill('SIGKILL');
}
