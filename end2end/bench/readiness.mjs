// Benchmark of GET /api/v1/readiness (not a test: it measures and prints).
//   node end2end/bench/readiness.mjs [clients] [requests] [demo|load]   (after scripts/build.sh)
// Seeds the demo trust (24 wards with six months of history: about 4,600 findings, 130
// ratings) or, with `load`, `readyward seed-load` (100 wards, a year of monthly inspections:
// about 87,000 findings), starts its own server (SQLite; PostgreSQL when
// READYWARD_BENCH_DATABASE_URL names an empty database), signs the board member in, and sends
// `requests` readiness requests from `clients` concurrent clients on loopback; prints
// p50/p99/max. It measures the first (cold) answer, then the steady state, then the answer
// right after each of a run of syncs (one ward recomputed each time).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
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
const trust = process.argv[4] ?? 'demo';
const data = mkdtempSync(path.join(os.tmpdir(), 'readyward-bench-readiness-'));
const database = process.env.READYWARD_BENCH_DATABASE_URL ? ['--database-url', process.env.READYWARD_BENCH_DATABASE_URL] : [];
const user = trust === 'load' ? 'board@load.nhs.test' : 'board@demo.nhs.test';

const seeded = performance.now();
execFileSync(BIN, [trust === 'load' ? 'seed-load' : 'seed-demo', '--data-dir', data, ...database], {
  env: { ...process.env, READYWARD_DEMO_PASSWORD: PASSWORD },
});
console.log(`seeded the ${trust} trust in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${PORT}`, '--data-dir', data, '--site-root', SITE, ...database], { stdio: 'ignore' });
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/healthz`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user, password: PASSWORD }),
  });
  const { token } = await login.json();
  const headers = { authorization: `Bearer ${token}` };
  const cold = performance.now();
  await (await fetch(`${BASE}/api/v1/readiness`, { headers })).arrayBuffer();
  console.log(`first answer (every ward computed): ${(performance.now() - cold).toFixed(0)} ms`);
  // node:http with kept-alive connections, taking gzip as a browser does but not unpacking
  // it: the client's own work would otherwise crowd the server off this machine's two cores.
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const one = () =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      http
        .get(`${BASE}/api/v1/readiness`, { agent, headers: { ...headers, 'accept-encoding': 'gzip' } }, (r) => {
          if (r.statusCode !== 200) reject(new Error(`status ${r.statusCode}`));
          r.on('data', () => {});
          r.on('end', () => resolve(performance.now() - t));
        })
        .on('error', reject);
    });
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

  // After a sync: one ward's finding changes, and the next answer recomputes that ward only.
  const inspector = await (await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.replace('board', 'inspector'), password: PASSWORD }),
  })).json();
  const units = await (await fetch(`${BASE}/api/v1/units`, { headers })).json();
  const push = { authorization: `Bearer ${inspector.token}`, 'content-type': 'application/json' };
  const after = [];
  for (let i = 0; i < 50; i++) {
    const inspection = crypto.randomUUID();
    const unit = units[i % units.length].id;
    const day = new Date().toISOString().slice(0, 10);
    const mutations = [
      { id: crypto.randomUUID(), kind: 'inspection.upsert', data: { id: inspection, unit_id: unit, framework_id: 'cqc-kloe-2017', template_id: null, template_version: null, started_at: `${day}T08:00:00Z`, status: 'in_progress' } },
      { id: crypto.randomUUID(), kind: 'finding.record', data: { id: crypto.randomUUID(), inspection_id: inspection, item_code: 'S1.1', response: i % 2 ? 'met' : 'not_met', note: '', photo_ids: [], observed_at: `${day}T08:05:00Z` } },
    ];
    const pushed = await fetch(`${BASE}/api/v1/sync/push`, { method: 'POST', headers: push, body: JSON.stringify({ device_id: crypto.randomUUID(), mutations }) });
    if (!pushed.ok) throw new Error(`push ${pushed.status}`);
    after.push(await one());
  }
  after.sort((a, b) => a - b);
  console.log(`answer right after a sync, 50 syncs: p50 ${after[24].toFixed(1)} ms, max ${after[49].toFixed(1)} ms`);
} finally {
  server.kill('SIGKILL');
}
