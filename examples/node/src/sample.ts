// A database with the sample data of docs/sample.sql (tables, rows, the
// extension, the registered models and relations), made afresh.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SAMPLE = fileURLToPath(new URL('../../../docs/sample.sql', import.meta.url));

/** Drops and creates database `name`, loads docs/sample.sql into it and
 *  returns a pool connected to it (connection settings: the PG* variables). */
export async function sampleDatabase(name: string): Promise<pg.Pool> {
  const admin = new pg.Client({ database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  // every connection of the pool reports times in UTC
  const pool = new pg.Pool({ database: name, options: '-c TimeZone=UTC', max: 4 });
  await pool.query(readFileSync(SAMPLE, 'utf8'));
  return pool;
}
