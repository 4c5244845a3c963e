// ignis (SQL functions called with node-postgres) against Ignis 0.0.7
// (repositories over Drizzle and node-postgres) on the same server, the same
// operations, the same pool size; results checked equal before timing;
// sides alternating in rounds (Ignis, ignis, ignis, Ignis, ...) so that the
// drift of a shared machine cancels.  See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Pool, PoolClient } from 'pg';
import { connectIgnis } from './models.ts';

const env = (k: string, d: string) => process.env[k] ?? d;
const SMOKE = env('VS_SMOKE', '0') === '1';
const SECONDS = Number(env('VS_SECONDS', SMOKE ? '0' : '2'));
const TXNS = Number(env('VS_TRANSACTIONS', SMOKE ? '10' : '0')); // per client per round, instead of seconds
const ROUNDS = Number(env('VS_ROUNDS', SMOKE ? '2' : '4'));
const CLIENTS = env('VS_CLIENTS', '1 8').split(/\s+/).filter(Boolean).map(Number);
const CHECKS = Number(env('VS_CHECKS', SMOKE ? '3' : '5'));
const OPS = new RegExp(env('VS_OPS', '.'));
const RESULTS = env('VS_RESULTS', 'results');
const POOL = Math.max(...CLIENTS);

// ---------------------------------------------------------------------------
// Normalisation for the equality check: key order, timestamps as ISO strings,
// numbers as numbers, rows of write results ordered by id.
// ---------------------------------------------------------------------------
const TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)$/;
function norm(v: any): any {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return TS.test(v) ? new Date(v).toISOString() : v;
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'object') {
    const o: Record<string, any> = {};
    for (const k of Object.keys(v).sort()) o[k] = norm(v[k]);
    return o;
  }
  return v;
}
const byId = (r: any) => (r && Array.isArray(r.data) ? { ...r, data: [...r.data].sort((a, b) => a.id - b.id) } : r);
const deletedSet = (r: any) => (r && r.data && r.data.deletedAt ? { ...r, data: { ...r.data, deletedAt: '<set>' } } : r);

// ---------------------------------------------------------------------------
// The two sides
// ---------------------------------------------------------------------------
const Ignis = connectIgnis(POOL);
const pool = new Pool({ max: POOL });
const call = async (sql: string, params: any[], client?: PoolClient) =>
  (await (client ?? pool).query(sql, params)).rows[0].r;

type Side = (i: number, tx?: any) => Promise<any>;
interface Op {
  name: string;
  title: string;
  kind: 'page' | 'by-id' | 'include' | 'scan' | 'write';
  Ignis: Side; // Ignis 0.0.7 repository
  ignis: Side; // ignis SQL function
  rollback?: boolean; // timed as BEGIN; op; ROLLBACK
  fix?: (r: any) => any; // extra normalisation of both results
}
const TARGETS: Record<Op['kind'], number> = { page: 2, 'by-id': 2, include: 3, scan: 1, write: 1.5 };

let NUSERS = 0, NPOSTS = 0;
const cat = (i: number) => 1 + (i % 50);
const pick = (i: number, n: number) => 1 + ((i * 7919) % n);
const COMMENT_TIME = '2026-01-01T00:00:00.000Z';
const commentRows = (i: number) =>
  Array.from({ length: 100 }, (_, k) => ({
    postId: pick(i * 100 + k, NPOSTS), authorId: pick(i * 100 + k + 7, NUSERS),
    body: `vs-ignis comment ${i}.${k}`,
  }));
const opt = (tx: any) => (tx ? { transaction: tx } : undefined);

const ops: Op[] = [
  {
    name: 'find_page', title: 'find: 20-row page, where + order', kind: 'page',
    Ignis: (i, tx) => Ignis.posts.find({ filter: pageFilter(i), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.find($1, $2::jsonb) AS r', ['Post', JSON.stringify(pageFilter(i))], c),
  },
  {
    name: 'find_range', title: 'find with range: page of 20 + total (~9k rows)', kind: 'scan',
    Ignis: (i, tx) => Ignis.posts.find({ filter: rangeFilter(i), options: { shouldQueryRange: true, ...opt(tx) } }),
    ignis: (i, c) => call('SELECT ignis.find($1, $2::jsonb, $3::jsonb) AS r',
      ['Post', JSON.stringify(rangeFilter(i)), '{"shouldQueryRange": true}'], c),
  },
  {
    name: 'find_include', title: 'find with 2-level include: 5 users -> 5 posts -> 3 comments', kind: 'include',
    Ignis: (i, tx) => Ignis.users.find({ filter: includeFilter(i), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.find($1, $2::jsonb) AS r', ['User', JSON.stringify(includeFilter(i))], c),
  },
  {
    name: 'find_by_id', title: 'find_by_id', kind: 'by-id',
    Ignis: (i, tx) => Ignis.posts.findById({ id: pick(i, NPOSTS), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.find_by_id($1, $2::bigint) AS r', ['Post', pick(i, NPOSTS)], c),
  },
  {
    name: 'count', title: 'count (~9k rows)', kind: 'scan',
    Ignis: (i, tx) => Ignis.posts.count({ where: countWhere(i), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.count($1, $2::jsonb) AS r', ['Post', JSON.stringify(countWhere(i))], c),
  },
  {
    name: 'create_all', title: 'create_all: 100 comments (committed)', kind: 'write',
    Ignis: (i, tx) => Ignis.comments.createAll({
      data: commentRows(i).map((r) => ({ ...r, createdAt: new Date(COMMENT_TIME) })), options: opt(tx),
    }),
    ignis: (i, c) => call('SELECT ignis.create_all($1, $2::jsonb) AS r',
      ['Comment', JSON.stringify(commentRows(i).map((r) => ({ ...r, createdAt: COMMENT_TIME })))], c),
    fix: byId,
  },
  {
    name: 'update_by_id', title: 'update_by_id: views of one post', kind: 'write',
    Ignis: (i, tx) => Ignis.posts.updateById({ id: pick(i, NPOSTS), data: { views: i % 10000 }, options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.update_by_id($1, $2::bigint, $3::jsonb) AS r',
      ['Post', pick(i, NPOSTS), JSON.stringify({ views: i % 10000 })], c),
  },
  {
    name: 'update_all', title: 'update_all: views of 100 posts (by id range)', kind: 'write',
    Ignis: (i, tx) => Ignis.posts.updateAll({ data: { views: i % 10000 }, where: rangeWhere(i), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.update_all($1, $2::jsonb, $3::jsonb) AS r',
      ['Post', JSON.stringify({ views: i % 10000 }), JSON.stringify(rangeWhere(i))], c),
    fix: byId,
  },
  {
    name: 'delete_by_id', title: 'delete_by_id: soft delete (rolled back)', kind: 'write', rollback: true,
    Ignis: (i, tx) => Ignis.posts.deleteById({ id: pick(i, NPOSTS), options: opt(tx) }),
    ignis: (i, c) => call('SELECT ignis.delete_by_id($1, $2::bigint) AS r', ['Post', pick(i, NPOSTS)], c),
    fix: deletedSet,
  },
];

function pageFilter(i: number) {
  return { where: { categoryId: cat(i), status: 'published' }, order: ['createdAt DESC', 'id ASC'], limit: 20 };
}
function rangeFilter(i: number) {
  return {
    where: { categoryId: cat(i), status: 'published' }, fields: ['id', 'title', 'views', 'createdAt'],
    order: ['views DESC', 'id ASC'], limit: 20,
  };
}
function includeFilter(i: number) {
  const u = pick(i, NUSERS - 5);
  return {
    where: { id: { between: [u, u + 4] } }, order: ['id ASC'], limit: 5,
    include: [{
      relation: 'posts',
      scope: {
        order: ['createdAt DESC', 'id ASC'], limit: 5,
        include: [{ relation: 'comments', scope: { order: ['id ASC'], limit: 3 } }],
      },
    }],
  };
}
function countWhere(i: number) {
  return { categoryId: cat(i), status: 'published' };
}
function rangeWhere(i: number) {
  const s = pick(i, NPOSTS - 100);
  return { id: { between: [s, s + 99] } };
}

// ---------------------------------------------------------------------------
// Running one side: in a transaction that is rolled back (checks, rollback
// ops) or as is.
// ---------------------------------------------------------------------------
async function runSide(op: Op, side: 'Ignis' | 'ignis', i: number, rollback: boolean) {
  if (!rollback) return side === 'Ignis' ? op.Ignis(i) : op.ignis(i);
  if (side === 'Ignis') {
    const tx = await Ignis.ds.beginTransaction();
    try { return await op.Ignis(i, tx); } finally { await tx.rollback(); }
  }
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    try { return await op.ignis(i, c); } finally { await c.query('ROLLBACK'); }
  } finally { c.release(); }
}

let checkedBytes = 0;
async function check(op: Op): Promise<string | null> {
  checkedBytes = 0;
  const fix = op.fix ?? ((r: any) => r);
  for (let k = 0; k < CHECKS; k++) {
    const i = k === 0 ? 0 : k * 104729 + 13;
    // writes: both sides see the same rows and the same next ids
    const seq = op.name === 'create_all'
      ? (await pool.query("SELECT last_value FROM public.comments_id_seq")).rows[0].last_value : null;
    const reset = async () => { if (seq !== null) await pool.query("SELECT setval('public.comments_id_seq', $1)", [seq]); };
    const a = norm(fix(await runSide(op, 'Ignis', i, true)));
    await reset();
    const b = norm(fix(await runSide(op, 'ignis', i, true)));
    await reset();
    const ja = JSON.stringify(a), jb = JSON.stringify(b);
    checkedBytes += ja.length;
    if (ja !== jb) {
      mkdirSync(RESULTS, { recursive: true });
      const file = join(RESULTS, `mismatch-vs-ignis-${op.name}.json`);
      writeFileSync(file, JSON.stringify({ sample: i, Ignis: a, ignis: b }, null, 2));
      let p = 0;
      while (p < ja.length && ja[p] === jb[p]) p++;
      return `sample ${i}: results differ at character ${p}:\n      Ignis: ...${ja.slice(Math.max(0, p - 80), p + 120)}\n      ignis: ...${jb.slice(Math.max(0, p - 80), p + 120)}\n      both in full: ${file}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Timing: `clients` concurrent callers for SECONDS (or TXNS calls each)
// ---------------------------------------------------------------------------
let counter = 1;
async function timed(op: Op, side: 'Ignis' | 'ignis', clients: number, seconds: number, txns: number) {
  let done = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  const worker = async () => {
    for (let n = 0; txns ? n < txns : process.hrtime.bigint() < end; n++) {
      await runSide(op, side, counter++, !!op.rollback);
      done++;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return done / (Number(process.hrtime.bigint() - t0) / 1e9);
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Row { op: Op; clients: number; Ignis: number; ignis: number; ratio: number; rIgnis: number[]; rignis: number[] }

async function main() {
  const t0 = Date.now();
  const load0 = loadavg().map((x) => x.toFixed(1)).join(' ');
  const n = (await pool.query('SELECT (SELECT max(id) FROM public.users) AS u, (SELECT max(id) FROM public.posts) AS p')).rows[0];
  NUSERS = Number(n.u); NPOSTS = Number(n.p);
  const version = (await pool.query('SHOW server_version')).rows[0].server_version;
  const ext = (await pool.query("SELECT extversion FROM pg_extension WHERE extname = 'ignis'")).rows[0].extversion;
  console.log(`vs-ignis: ${NUSERS} users, ${NPOSTS} posts; pool size ${POOL} per side; clients ${CLIENTS.join(', ')}; ` +
    `${ROUNDS} rounds of ${TXNS ? `${TXNS} calls per client` : `${SECONDS}s`} per side`);
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const op of ops.filter((o) => OPS.test(o.name))) {
    console.log(`\n--- ${op.name}: ${op.title}`);
    let bad: string | null;
    try { bad = await check(op); } catch (e: any) { bad = `error: ${e?.message ?? e}`; }
    if (bad) { console.log(`    MISMATCH ${bad}`); failed.push(op.name); continue; }
    console.log(`    equal results on ${CHECKS} parameter samples (${checkedBytes} bytes of normalised JSON)`);
    try {
      // warm-up: connections, plan caches, buffers
      await timed(op, 'Ignis', POOL, TXNS ? 0 : Math.min(1, SECONDS / 2), TXNS ? 3 : 0);
      await timed(op, 'ignis', POOL, TXNS ? 0 : Math.min(1, SECONDS / 2), TXNS ? 3 : 0);
      for (const c of CLIENTS) {
        const r: Record<string, number[]> = { Ignis: [], ignis: [] };
        for (let k = 1; k <= ROUNDS; k++) {
          const order: ('Ignis' | 'ignis')[] = k % 2 ? ['Ignis', 'ignis'] : ['ignis', 'Ignis'];
          for (const s of order) r[s].push(await timed(op, s, c, SECONDS, TXNS));
        }
        const row = { op, clients: c, Ignis: median(r.Ignis), ignis: median(r.ignis), ratio: 0, rIgnis: r.Ignis, rignis: r.ignis };
        row.ratio = row.ignis / row.Ignis;
        rows.push(row);
        console.log(`    ${String(c).padStart(2)} client(s): ignis ${row.ignis.toFixed(0).padStart(7)} ops/s   Ignis ${row.Ignis.toFixed(0).padStart(7)} ops/s   ` +
          `ratio ${row.ratio.toFixed(2)} (target >= ${TARGETS[op.kind]})   rounds: ignis ${r.ignis.map((x) => x.toFixed(0)).join(' ')} | Ignis ${r.Ignis.map((x) => x.toFixed(0)).join(' ')}`);
      }
    } catch (e: any) {
      console.log(`    error while timing: ${e?.message ?? e}`); failed.push(op.name);
    }
  }

  // results: markdown, TSV (for bench/vs-ignis/chart.sh), verdicts
  mkdirSync(RESULTS, { recursive: true });
  const tsv = rows.map((w) => [w.op.name, w.op.kind, w.clients, w.ignis.toFixed(1), w.Ignis.toFixed(1), w.ratio.toFixed(3), TARGETS[w.op.kind]].join('\t'));
  writeFileSync(join(RESULTS, 'vs-ignis.tsv'), tsv.join('\n') + '\n');
  const md: string[] = [
    '# ignis vs Ignis 0.0.7 on Node',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, PostgreSQL ${version}, ignis ${ext}, Node ${process.version}, ` +
    `${cpus().length} CPUs (load average at the start ${load0}, at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}).`,
    `${NUSERS} users, ${NPOSTS} posts.  Pool size ${POOL} on each side; ${ROUNDS} rounds per side and client count ` +
    `(${TXNS ? `${TXNS} calls per client` : `${SECONDS}s`} each), sides alternating (Ignis, ignis, ignis, Ignis, ...), medians.`,
    'ignis: the SQL functions called with node-postgres; Ignis: repositories over Drizzle and node-postgres.',
    '',
    '| op | clients | ignis ops/s | Ignis ops/s | ignis ÷ Ignis | target | | rounds: ignis \\| Ignis |',
    '|----|--------:|------------:|------------:|--------------:|-------:|-|------------------------|',
    ...rows.map((w) => `| ${w.op.name} | ${w.clients} | ${w.ignis.toFixed(0)} | ${w.Ignis.toFixed(0)} | ${w.ratio.toFixed(2)} | >= ${TARGETS[w.op.kind]} | ${w.ratio >= TARGETS[w.op.kind] ? 'MET' : 'MISSED'} | ` +
      `${w.rignis.map((x) => x.toFixed(0)).join(' ')} \\| ${w.rIgnis.map((x) => x.toFixed(0)).join(' ')} |`),
  ];
  if (failed.length) md.push('', `Not timed (results differ or error): ${failed.join(', ')}`);
  md.push('', '![ignis / Ignis](vs-ignis.png)', '');
  writeFileSync(join(RESULTS, 'vs-ignis.md'), md.join('\n'));
  console.log('\n' + md.slice(6, md.length - 2).join('\n'));

  console.log('');
  const verdict = (label: string, kinds: Op['kind'][]) => {
    const t = TARGETS[kinds[0]];
    const sel = rows.filter((w) => kinds.includes(w.op.kind));
    const miss = sel.filter((w) => !(w.ratio >= t));
    const nt = ops.filter((o) => kinds.includes(o.kind) && OPS.test(o.name) && failed.includes(o.name)).map((o) => o.name);
    const st = !sel.length ? 'NO DATA' : miss.length ? 'MISSED' : 'MET';
    const detail = miss.length ? miss.map((w) => `${w.op.name}@${w.clients}=${w.ratio.toFixed(2)}`).join(', ')
      : sel.length ? `lowest ${Math.min(...sel.map((w) => w.ratio)).toFixed(2)}` : '';
    console.log(`VERDICT ${`vs Ignis: ${label} >= ${t}x (${CLIENTS.join(' and ')} clients)`.padEnd(64)} ${st}${detail ? ` (${detail})` : ''}${nt.length ? `; not timed: ${nt.join(', ')}` : ''}`);
  };
  verdict('paged and by-id reads', ['page', 'by-id']);
  verdict('includes', ['include']);
  verdict('writes', ['write']);
  verdict('count and range (scan-bound)', ['scan']);
  console.log(`\nvs-ignis: finished in ${((Date.now() - t0) / 1000).toFixed(0)}s; written: ${join(RESULTS, 'vs-ignis.md')}`);
  await Ignis.ds.end();
  await pool.end();
  if (failed.length) {
    console.error(`vs-ignis: FAILED: results differ or error: ${failed.join(', ')}`);
    process.exit(1);
  }
}

main().catch(async (e) => {
  console.error('vs-ignis: error:', e);
  process.exit(1);
});
