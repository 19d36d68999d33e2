import { type Kysely, sql } from 'kysely';

/** Whether an endpoint is a route its trigger declared (kept out of the templating heuristics). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tapline_endpoints ADD COLUMN declared_route boolean NOT NULL DEFAULT false`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tapline_endpoints DROP COLUMN declared_route`.execute(db);
}
