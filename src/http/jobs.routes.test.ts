import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { runJob } from '../jobs/scheduler.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** GET /api/v1/jobs: the scheduler's jobs and their latest runs, for administrators only. */
describe.each(ENGINES)('jobs API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const admin = { username: `jobs-admin-${engine}`, password: '' };
  const clerk = { username: `jobs-clerk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `jobs-${engine}` })).library.id;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('shows an administrator each job, its period and its last run per library; a clerk is refused', async () => {
    await runJob(w.runtime, 'holds-expire', { libraryId });
    const cookie = await server.login(admin);
    const answer = await server.call('GET', '/jobs', { cookie });
    expect(answer.status).toBe(200);
    expect(answer.body.jobs.map((j: { name: string }) => j.name)).toEqual(['fines-accrue', 'long-overdue', 'holds-expire', 'notices-plan', 'notices-send', 'retention', 'key-purge', 'oidc-purge', 'legacy-pins']);
    const holds = answer.body.jobs.find((j: { name: string }) => j.name === 'holds-expire');
    expect(holds).toMatchObject({ period: 'daily per library (its local date)', scheduled: true, lastRuns: [{ libraryId, status: 'done', outcome: { expired: 0 } }] });
    expect(answer.body.jobs.find((j: { name: string }) => j.name === 'fines-accrue').lastRuns).toEqual([]);

    const refused = await server.call('GET', '/jobs', { cookie: await server.login(clerk) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PERMISSION_DENIED');
    expect((await server.call('GET', '/jobs')).status).toBe(401);
  });
});
