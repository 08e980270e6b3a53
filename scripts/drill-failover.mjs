#!/usr/bin/env node
/**
 * `npm run drill:failover`: proves that a PostgreSQL standby can take over from a dead primary with no
 * acknowledged write lost, and measures how long Carrel could not write meanwhile (issue 23).
 *
 * On this machine (as root, with Debian's PostgreSQL 15 tools and PgBouncer) it:
 *   1. creates a throwaway primary cluster (port 5441) and a streaming standby of it (5442, made with
 *      `pg_basebackup -R`), the primary with `synchronous_commit = remote_apply` and the standby named in
 *      `synchronous_standby_names`: a commit is acknowledged only once the standby has applied it;
 *   2. puts PgBouncer in transaction mode in front (6441 → 5441): the one address Carrel knows;
 *   3. initialises Carrel there with the demo library and starts two `carrel start` processes;
 *   4. drives check-outs and check-ins against both, recording every acknowledged (2xx) write;
 *   5. kills the primary (immediate stop: no shutdown checkpoint, connections cut), promotes the standby,
 *      points PgBouncer at it (its configuration rewritten, RELOAD), and keeps the load going while the
 *      Carrel processes, never restarted, reconnect by themselves;
 *   6. counts acknowledged writes missing from the promoted database (must be 0), checks that no write is
 *      half there, and prints the seconds of unavailability (first failed to first succeeded request).
 * Everything it made (clusters, PgBouncer, Carrel processes, files) is removed at the end, on failure too.
 * The machine's own clusters (main on 5432) are never touched. Not part of `npm test`: it needs root.
 *
 * Options (environment): DRILL_SECONDS_BEFORE (load before the kill, default 6), DRILL_SECONDS_AFTER
 * (load after the first success following the kill, default 6), DRILL_WORKERS (concurrent desks,
 * default 8), DRILL_KEEP=1 (leave everything in place for inspection; remove by running the drill again).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CARREL = join(ROOT, 'bin', 'carrel.js');
const VERSION = '15';
const PRIMARY = { name: 'carrel_drill_primary', port: 5441 };
const STANDBY = { name: 'carrel_drill_standby', port: 5442 };
const BOUNCER_PORT = 6441;
const CARREL_PORTS = [8441, 8442];
const DATABASE = 'carrel';
const SECONDS_BEFORE = Number(process.env.DRILL_SECONDS_BEFORE ?? 6);
const SECONDS_AFTER = Number(process.env.DRILL_SECONDS_AFTER ?? 6);
const WORKERS = Number(process.env.DRILL_WORKERS ?? 8);
const KEEP = process.env.DRILL_KEEP === '1';

const started = performance.now();
const children = [];
let work = null;

function say(message) {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

function sh(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function postgresIds() {
  return { uid: Number(sh('id', ['-u', 'postgres']).trim()), gid: Number(sh('id', ['-g', 'postgres']).trim()) };
}

function clusterExists(name) {
  return existsSync(`/etc/postgresql/${VERSION}/${name}`) || existsSync(`/var/lib/postgresql/${VERSION}/${name}`);
}

function dropCluster(name) {
  if (!clusterExists(name)) return;
  try {
    sh('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, 'stop', '-m', 'immediate']);
  } catch {
    // not running
  }
  try {
    sh('pg_dropcluster', [VERSION, name]);
  } catch (error) {
    console.error(`could not drop cluster ${name}: ${error.stderr ?? error.message}`);
  }
}

/** Stops what the drill started (by the ids it recorded) and removes its clusters and files. */
async function cleanUp() {
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  dropCluster(STANDBY.name);
  dropCluster(PRIMARY.name);
  if (work) rmSync(work, { recursive: true, force: true });
}

const HBA = ['local all all trust', 'host all all 127.0.0.1/32 trust', 'local replication all trust', 'host replication all 127.0.0.1/32 trust', ''].join('\n');

function createCluster(cluster, settings) {
  sh('pg_createcluster', [VERSION, cluster.name, '-p', String(cluster.port), '--start-conf', 'manual']);
  const conf = `/etc/postgresql/${VERSION}/${cluster.name}`;
  writeFileSync(join(conf, 'conf.d', 'carrel-drill.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
  writeFileSync(join(conf, 'pg_hba.conf'), HBA);
}

function startCluster(name) {
  sh('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, 'start']);
}

async function query(port, sql, params = [], database = 'postgres') {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function bouncerConfig(targetPort) {
  return [
    '[databases]',
    `${DATABASE} = host=127.0.0.1 port=${targetPort} dbname=${DATABASE} user=postgres`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${BOUNCER_PORT}`,
    `unix_socket_dir = ${work}`,
    'auth_type = trust',
    `auth_file = ${join(work, 'users.txt')}`,
    'admin_users = postgres',
    'pool_mode = transaction',
    // node-postgres sends the session's time zone as the `options` startup parameter, which PgBouncer
    // cannot pass on per transaction: it is ignored here and the clusters run in UTC (see docs/SCALING.md).
    'ignore_startup_parameters = options',
    'max_client_conn = 200',
    'default_pool_size = 20',
    'server_connect_timeout = 3',
    'server_login_retry = 1',
    'query_wait_timeout = 10',
    `logfile = ${join(work, 'pgbouncer.log')}`,
    '',
  ].join('\n');
}

function carrel(args, env) {
  return sh(process.execPath, [CARREL, '--db', env.DATABASE_URL, '--json', ...args], { env: { ...process.env, ...env }, cwd: work, maxBuffer: 64 * 1024 * 1024 });
}

async function http(base, method, path, { cookie, csrf, body } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = {};
  }
  return { status: response.status, body: json, retryAfter: response.headers.get('retry-after'), setCookie: response.headers.getSetCookie() };
}

async function login(base, account) {
  const answer = await http(base, 'POST', '/auth/login', { body: { username: account.username, password: account.password } });
  if (answer.status !== 200) throw new Error(`log-in as ${account.username} answered ${answer.status}`);
  const cookie = answer.setCookie.find((c) => c.startsWith('carrel_session=')).split(';')[0];
  return { cookie, csrf: answer.body.csrfToken };
}

async function main() {
  if (process.getuid?.() !== 0) {
    console.error('drill:failover creates PostgreSQL clusters and must run as root (it never touches the existing ones).');
    process.exit(2);
  }
  for (const tool of ['pg_createcluster', 'pg_ctlcluster', 'pg_basebackup', 'pgbouncer']) {
    try {
      sh('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]);
    } catch {
      console.error(`drill:failover needs ${tool} (apt-get install -y postgresql-15 pgbouncer).`);
      process.exit(2);
    }
  }
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    console.error('Build Carrel first (npm run build).');
    process.exit(2);
  }
  // Leftovers of an interrupted run (DRILL_KEEP, a kill -9) go first: only the drill's own names.
  dropCluster(STANDBY.name);
  dropCluster(PRIMARY.name);

  const ids = postgresIds();
  work = mkdtempSync(join(tmpdir(), 'carrel-drill-'));
  chmodSync(work, 0o755);
  chownSync(work, ids.uid, ids.gid);

  // 1. Primary and standby.
  say(`creating primary cluster ${PRIMARY.name} on ${PRIMARY.port}`);
  createCluster(PRIMARY, {
    listen_addresses: "'127.0.0.1'",
    wal_level: 'replica',
    max_wal_senders: 4,
    max_connections: 60,
    shared_buffers: "'32MB'",
    timezone: "'UTC'",
    synchronous_commit: 'remote_apply',
    synchronous_standby_names: `'${STANDBY.name}'`,
  });
  startCluster(PRIMARY.name);

  say(`creating standby cluster ${STANDBY.name} on ${STANDBY.port} (pg_basebackup -R)`);
  // The standby's own postgresql.conf does not name a synchronous standby: once promoted, it commits alone.
  createCluster(STANDBY, { listen_addresses: "'127.0.0.1'", max_connections: 60, shared_buffers: "'32MB'", timezone: "'UTC'", hot_standby: 'on', wal_level: 'replica', max_wal_senders: 4 });
  const standbyData = `/var/lib/postgresql/${VERSION}/${STANDBY.name}`;
  // Emptied, not removed: the folder is the postgres user's, its parent root's.
  for (const entry of readdirSync(standbyData)) rmSync(join(standbyData, entry), { recursive: true, force: true });
  sh('runuser', ['-u', 'postgres', '--', 'pg_basebackup', '-h', '127.0.0.1', '-p', String(PRIMARY.port), '-U', 'postgres', '-D', standbyData, '-R', '-X', 'stream', '-c', 'fast']);
  // -R wrote primary_conninfo; the standby reports under the name synchronous_standby_names gives.
  sh('runuser', ['-u', 'postgres', '--', 'sh', '-c', `echo "primary_conninfo = 'host=127.0.0.1 port=${PRIMARY.port} user=postgres application_name=${STANDBY.name}'" >> ${standbyData}/postgresql.auto.conf`]);
  startCluster(STANDBY.name);
  await waitFor('the standby to stream synchronously', async () => {
    const rows = await query(PRIMARY.port, 'select sync_state from pg_stat_replication where application_name = $1', [STANDBY.name]);
    return rows[0]?.sync_state === 'sync';
  });
  say('standby streaming, sync_state = sync, synchronous_commit = remote_apply');
  // Created once the standby streams: before, every commit on the primary waits for a standby to apply it.
  await query(PRIMARY.port, `create database ${DATABASE}`);

  // 2. PgBouncer, transaction pooling, in front of the primary.
  writeFileSync(join(work, 'users.txt'), '"postgres" ""\n');
  writeFileSync(join(work, 'pgbouncer.ini'), bouncerConfig(PRIMARY.port));
  chownSync(join(work, 'pgbouncer.ini'), ids.uid, ids.gid);
  const bouncer = spawn('pgbouncer', [join(work, 'pgbouncer.ini')], { uid: ids.uid, gid: ids.gid, stdio: 'ignore' });
  children.push(bouncer);
  await waitFor('PgBouncer', async () => (await query(BOUNCER_PORT, 'select 1 as one', [], DATABASE)).length === 1);
  say(`PgBouncer on ${BOUNCER_PORT}, pool_mode = transaction, → ${PRIMARY.port}`);

  // 3. Carrel: initialised through PgBouncer, the demo library, two processes.
  const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${BOUNCER_PORT}/${DATABASE}`, CARREL_KEY_FILE: join(work, 'carrel.key'), CARREL_LOG_LEVEL: 'warn' };
  carrel(['init'], env);
  const demo = JSON.parse(carrel(['demo'], env));
  const librarian = demo.staff.find((s) => s.role === 'librarian');
  say(`Carrel initialised through PgBouncer; demo library "${demo.libraryId}" loaded`);
  const bases = [];
  for (const [index, port] of CARREL_PORTS.entries()) {
    const args = [CARREL, '--db', env.DATABASE_URL, 'start', '--port', String(port), '--no-demo', ...(index > 0 ? ['--no-scheduler'] : [])];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('exit', (code, signal) => {
      if (!stopping) {
        processExits.push(`carrel on ${port} exited (${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`carrel on ${port}`, async () => (await fetch(`${base}/health`)).status === 200, 60_000);
    bases.push(base);
  }
  say(`two Carrel processes serving on ${CARREL_PORTS.join(' and ')}`);

  // Each desk: its own patron and three items of its own, on both processes in turn.
  const seedSession = await login(bases[0], librarian);
  const desks = [];
  for (let d = 0; d < WORKERS; d++) {
    const patron = await http(bases[0], 'POST', '/patrons', { ...seedSession, body: { libraryId: demo.libraryId, name: `Drill Desk ${d}`, birthDate: '1980-01-01' } });
    if (patron.status !== 201) throw new Error(`registering a patron answered ${patron.status} ${JSON.stringify(patron.body)}`);
    const items = [];
    for (let i = 0; i < 3; i++) {
      const barcode = `DRILL${String(d).padStart(3, '0')}${i}${Date.now().toString(36).slice(-4)}`;
      const item = await http(bases[0], 'POST', '/items', { ...seedSession, body: { libraryId: demo.libraryId, barcode, title: `Drill item ${d}-${i}` } });
      if (item.status !== 201) throw new Error(`adding an item answered ${item.status} ${JSON.stringify(item.body)}`);
      items.push(barcode);
    }
    const base = bases[d % bases.length];
    desks.push({ base, session: await login(base, librarian), cardNumber: patron.body.cardNumber, items });
  }

  // 4. The load: check out, then check in, each item in turn; every answer is recorded with its time.
  const acknowledged = []; // { kind, loanId, at }
  const failures = []; // { status, code, retryAfter, at }
  const successes = []; // times
  let running = true;
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  const loops = desks.map(async (desk) => {
    const out = new Map(); // barcode → loan id, for items this desk has out
    let turn = 0;
    while (running) {
      const barcode = desk.items[turn++ % desk.items.length];
      const checkingIn = out.has(barcode);
      let answer;
      try {
        answer = checkingIn
          ? await http(desk.base, 'POST', '/checkins', { ...desk.session, body: { itemBarcode: barcode } })
          : await http(desk.base, 'POST', '/checkouts', { ...desk.session, body: { cardNumber: desk.cardNumber, itemBarcode: barcode } });
      } catch (error) {
        failures.push({ status: 0, code: error.name, retryAfter: null, at: now() });
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const at = now();
      if (answer.status >= 200 && answer.status < 300) {
        successes.push(at);
        if (checkingIn) {
          acknowledged.push({ kind: 'checkin', loanId: answer.body.loanId ?? out.get(barcode), at });
          out.delete(barcode);
        } else {
          acknowledged.push({ kind: 'checkout', loanId: answer.body.loanId ?? answer.body.loan?.id ?? answer.body.id, at });
          out.set(barcode, answer.body.loanId ?? answer.body.loan?.id ?? answer.body.id);
        }
        continue;
      }
      const codes = [answer.body?.error?.code, ...(answer.body?.error?.problems ?? []).map((p) => p.code)];
      // A write whose COMMIT was cut off may have happened after all: the repeated request says so.
      if (codes.includes('ITEM_ALREADY_ON_LOAN') && !checkingIn) {
        out.set(barcode, null);
        continue;
      }
      if (codes.includes('ITEM_NOT_ON_LOAN') && checkingIn) {
        out.delete(barcode);
        continue;
      }
      failures.push({ status: answer.status, code: answer.body?.error?.code, retryAfter: answer.retryAfter, at });
      const wait = Number(answer.retryAfter);
      // A desk honours Retry-After, but no longer than a quarter second here, to measure the outage finely.
      await new Promise((r) => setTimeout(r, Number.isFinite(wait) && wait > 0 ? Math.min(wait * 1000, 250) : 100));
    }
  });

  await new Promise((r) => setTimeout(r, SECONDS_BEFORE * 1000));
  const beforeKill = acknowledged.length;
  say(`load running: ${beforeKill} acknowledged writes in ${SECONDS_BEFORE} s from ${WORKERS} desks over two processes`);

  // 5. The primary dies; the standby is promoted; PgBouncer is pointed at it.
  const killedAt = now();
  sh('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, PRIMARY.name, 'stop', '-m', 'immediate']);
  say('primary killed (pg_ctlcluster stop -m immediate)');
  sh('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, STANDBY.name, 'promote']);
  await waitFor('the standby to leave recovery', async () => (await query(STANDBY.port, 'select pg_is_in_recovery() as r'))[0].r === false);
  const promotedAt = now();
  say(`standby promoted (${(promotedAt - killedAt).toFixed(2)} s after the kill)`);
  writeFileSync(join(work, 'pgbouncer.ini'), bouncerConfig(STANDBY.port));
  await query(BOUNCER_PORT, 'RELOAD', [], 'pgbouncer');
  const switchedAt = now();
  say(`PgBouncer reloaded → ${STANDBY.port} (${(switchedAt - killedAt).toFixed(2)} s after the kill); Carrel processes not restarted`);

  await waitFor('a successful request after the kill', async () => successes.some((t) => t > switchedAt), 60_000);
  const firstSuccessAfter = successes.find((t) => t > switchedAt);
  await new Promise((r) => setTimeout(r, SECONDS_AFTER * 1000));
  running = false;
  await Promise.all(loops);
  say(`load stopped: ${acknowledged.length} acknowledged writes in all`);

  // 6. What the promoted database holds.
  const byKind = { checkout: acknowledged.filter((a) => a.kind === 'checkout'), checkin: acknowledged.filter((a) => a.kind === 'checkin') };
  const unknownIds = acknowledged.filter((a) => !a.loanId).length;
  const loanIds = [...new Set(acknowledged.map((a) => a.loanId).filter(Boolean))];
  const loans = new Map((await query(STANDBY.port, 'select id, ended_at from loans where id = any($1)', [loanIds], DATABASE)).map((r) => [r.id, r]));
  const lostCheckouts = byKind.checkout.filter((a) => a.loanId && !loans.has(a.loanId)).length;
  const lostCheckins = byKind.checkin.filter((a) => a.loanId && loans.get(a.loanId)?.ended_at == null).length;
  const lost = lostCheckouts + lostCheckins + unknownIds;
  // No half-writes: an item is on loan exactly when it has an open loan; each loan has its access-log entry.
  const [halfWritten] = await query(
    STANDBY.port,
    `select
       (select count(*) from items i where i.barcode like 'DRILL%' and (i.status = 'on-loan') <> exists (select 1 from loans l where l.item_id = i.id and l.ended_at is null)) as items_inconsistent,
       (select count(*) from loans l join items i on i.id = l.item_id where i.barcode like 'DRILL%') as loans,
       (select count(*) from access_log a where a.library_id = $1 and a.action = 'checkout' and a.at >= (select min(l.checked_out_at) from loans l join items i on i.id = l.item_id where i.barcode like 'DRILL%')) as checkout_entries`,
    [demo.libraryId],
    DATABASE,
  );
  const verify = JSON.parse(carrel(['verify-log'], { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${STANDBY.port}/${DATABASE}` }));

  const failedAfterKill = failures.filter((f) => f.at >= killedAt);
  const firstFailure = failedAfterKill[0]?.at ?? null;
  const statusCounts = {};
  for (const f of failures) statusCounts[`${f.status} ${f.code ?? ''}`.trim()] = (statusCounts[`${f.status} ${f.code ?? ''}`.trim()] ?? 0) + 1;
  const without503 = failures.filter((f) => f.status !== 503 || f.retryAfter === null).length;
  const unavailable = firstFailure === null ? 0 : firstSuccessAfter - firstFailure;

  console.log('');
  console.log('Failover drill: PostgreSQL 15 primary + synchronous standby (remote_apply), PgBouncer (transaction pooling), two Carrel processes');
  console.log(`  desks ${WORKERS}, load ${SECONDS_BEFORE} s before the kill and ${SECONDS_AFTER} s after recovery`);
  console.log(`  acknowledged writes           ${acknowledged.length} (${byKind.checkout.length} check-outs, ${byKind.checkin.length} check-ins)`);
  console.log(`  acknowledged writes lost      ${lost}${unknownIds ? ` (${unknownIds} without a loan id to check)` : ''}`);
  console.log(`  half-written check-outs       ${Number(halfWritten.items_inconsistent)} items out of step with their loans; ${halfWritten.loans} loans, ${halfWritten.checkout_entries} check-out entries in the access log`);
  console.log(`  access log after failover     ${verify.ok ? 'verifies' : 'BROKEN'} (${verify.entries} entries)`);
  console.log(`  seconds unavailable           ${unavailable.toFixed(2)} (first failed request ${firstFailure === null ? '-' : `${(firstFailure - killedAt).toFixed(2)} s`} after the kill, first success ${(firstSuccessAfter - killedAt).toFixed(2)} s after it)`);
  console.log(`    of which: kill → promoted ${(promotedAt - killedAt).toFixed(2)} s, → PgBouncer switched ${(switchedAt - killedAt).toFixed(2)} s`);
  console.log(`  failed requests               ${failures.length}: ${Object.entries(statusCounts).map(([k, v]) => `${v} × ${k}`).join(', ') || 'none'}`);
  console.log(`  failures not 503 + Retry-After ${without503}`);
  if (processExits.length) console.log(`  Carrel processes that exited: ${processExits.join('; ')}`);
  console.log('');
  const ok = lost === 0 && Number(halfWritten.items_inconsistent) === 0 && verify.ok && without503 === 0 && processExits.length === 0;
  console.log(ok ? 'drill passed' : 'DRILL FAILED');
  return ok;
}

let stopping = false;
const processExits = [];
let outcome = false;
const interrupt = async (signal) => {
  console.error(`\n${signal}: cleaning up`);
  stopping = true;
  await cleanUp();
  process.exit(130);
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
try {
  outcome = await main();
} catch (error) {
  console.error(`drill failed: ${error.stack ?? error.message}${error.stderr ? `\n${error.stderr}` : ''}`);
  outcome = false;
} finally {
  stopping = true;
  if (KEEP) say(`DRILL_KEEP=1: clusters ${PRIMARY.name}, ${STANDBY.name} and ${work} left in place`);
  else {
    await cleanUp();
    say('cleaned up: clusters dropped, PgBouncer and Carrel processes stopped, files removed');
  }
}
process.exit(outcome ? 0 : 1);
