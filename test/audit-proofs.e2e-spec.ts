import { createPublicKey } from 'node:crypto';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { verifyConsistencyBundle, verifyInclusionBundle, type ConsistencyProofBundle, type InclusionProofBundle } from '../src/audit/proofs';
import { openNote, parseCheckpointNoteText, parseNoteVerifierKey } from '../src/audit/signed-note';
import type { SignedCheckpoint } from '../src/audit/checkpoint';
import { recordScenario, type Scenario } from './audit-scenario';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('transparency-log proofs over HTTP on %s', (database) => {
  let t: TestApp;
  let s: Scenario;
  let first: SignedCheckpoint;
  let second: SignedCheckpoint;
  let laterEvent: string;
  let laterBody: string;
  const key = async () => {
    const { body } = await t.http.get('/api/audit/public-key').expect(200);
    return { pem: createPublicKey(body.pem), note: body.noteVerifierKey as string, origin: body.logOrigin as string };
  };
  const history = async (id: string) => (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ id: string; version: number }>;

  beforeAll(async () => {
    t = await startTestApp({ database });
    s = await recordScenario(t);
    t.clock.set('2026-11-28T09:00:00Z');
    first = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
    // Given more events after the first checkpoint, in a body that sorts before and one that sorts after.
    const third = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Dritte Projektgruppe', contacts: [] }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason: 'Bitte Ziele schärfen.' } }).expect(200);
    laterEvent = (await history(third))[0].id;
    laterBody = third;
    second = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
  });
  afterAll(() => t.close());

  test('new checkpoints are in the log-order format with the log origin', async () => {
    const { origin } = await key();
    expect(first.payload).toMatchObject({ format: 'gremienlauf-checkpoint/3', origin, sequence: 1 });
    expect(second.payload.treeSize).toBe(first.payload.treeSize + 2);
    // The second names the heads of the two streams that moved since the first, no other.
    expect(second.payload.heads.map((head) => head.stream)).toEqual([laterBody, s.other].sort());
    expect((await t.http.get('/api/audit/verify').expect(200)).body.intact).toBe(true);
  });

  test('GET /api/audit/checkpoint is the newest checkpoint as a C2SP signed note, public, that opens with the published verifier key', async () => {
    const response = await t.http.get('/api/audit/checkpoint').set('authorization', '').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const { name, publicKey } = parseNoteVerifierKey((await key()).note);
    const opened = openNote(response.text, name, publicKey);
    if (!opened.ok) throw new Error(opened.reason);
    expect(parseCheckpointNoteText(opened.text)).toEqual({ origin: name, treeSize: second.payload.treeSize, rootHash: second.payload.rootHash, extensions: [] });
    const byNumber = await t.http.get('/api/audit/checkpoints/1/note').expect(200);
    expect(byNumber.text.split('\n').slice(0, 3)).toEqual([name, String(first.payload.treeSize), Buffer.from(first.payload.rootHash, 'hex').toString('base64')]);
  });

  test('an inclusion proof shows an event in the first checkpoint, checked offline against the checkpoint and against its note', async () => {
    const event = (await history(s.seed))[2];
    const { body } = await t.http.get(`/api/audit/proof/inclusion?event=${event.id}&treeSize=${first.payload.treeSize}`).expect(200);
    const bundle = body as InclusionProofBundle;
    expect(bundle).toMatchObject({ treeSize: first.payload.treeSize, rootHash: first.payload.rootHash, stream: s.seed, version: 3 });
    expect(bundle.checkpoint?.payload.sequence).toBe(1);
    const { pem } = await key();
    expect(verifyInclusionBundle(bundle, pem, { json: first })).toMatchObject({ ok: true });
    expect(verifyInclusionBundle(bundle, pem, { note: bundle.note! })).toMatchObject({ ok: true });
    // The same event is in the second checkpoint's tree too, at the same place.
    const later = (await t.http.get(`/api/audit/proof/inclusion?event=${event.id}`).expect(200)).body as InclusionProofBundle;
    expect([later.treeSize, later.leafIndex]).toEqual([second.payload.treeSize, bundle.leafIndex]);
    expect(verifyInclusionBundle(later, pem, { json: second }).ok).toBe(true);
  });

  test('the offline check refuses a changed event, a changed proof and another checkpoint', async () => {
    const event = (await history(s.seed))[0];
    const bundle = (await t.http.get(`/api/audit/proof/inclusion?event=${event.id}&treeSize=${first.payload.treeSize}`).expect(200)).body as InclusionProofBundle;
    const { pem } = await key();
    const changed = structuredClone(bundle);
    if (changed.entry.kind === 'event') (changed.entry.event.data as { title: string }).title = 'Umgeschrieben';
    expect(verifyInclusionBundle(changed, pem, { json: first }).messages.at(-1)).toContain('wurde verändert');
    const badProof = { ...bundle, hashes: [...bundle.hashes].reverse() };
    expect(verifyInclusionBundle(badProof, pem, { json: first }).ok).toBe(bundle.hashes.length < 2);
    expect(verifyInclusionBundle(bundle, pem, { json: second }).ok).toBe(false);
  });

  test('a consistency proof shows the second checkpoint continues the first', async () => {
    const { body } = await t.http.get(`/api/audit/proof/consistency?from=${first.payload.treeSize}&to=${second.payload.treeSize}`).expect(200);
    const bundle = body as ConsistencyProofBundle;
    expect(bundle).toMatchObject({ fromRoot: first.payload.rootHash, toRoot: second.payload.rootHash });
    const { pem } = await key();
    expect(verifyConsistencyBundle(bundle, pem, { from: { json: first }, to: { json: second } })).toMatchObject({ ok: true });
    expect(verifyConsistencyBundle(bundle, pem, { from: { note: bundle.notes.from! }, to: { note: bundle.notes.to! } }).ok).toBe(true);
    expect(verifyConsistencyBundle({ ...bundle, hashes: bundle.hashes.slice(1) }, pem).ok).toBe(false);
  });

  test('an event no checkpoint covers yet, a tree size beyond the newest checkpoint and an unknown event are refused', async () => {
    const early = await t.http.get(`/api/audit/proof/inclusion?event=${laterEvent}&treeSize=${first.payload.treeSize}`).expect(422);
    expect(early.body.message).toContain('noch nicht enthalten');
    const beyond = await t.http.get(`/api/audit/proof/consistency?from=1&to=${second.payload.treeSize + 1}`).expect(400);
    expect(beyond.body.details).toEqual([{ path: 'query.to', message: expect.stringContaining(`1 bis ${second.payload.treeSize}`) }]);
    const unknown = await t.http.get('/api/audit/proof/inclusion?event=00000000-0000-4000-8000-000000000000').expect(404);
    expect(unknown.body.message).toBe('Ereignis 00000000-0000-4000-8000-000000000000 gibt es nicht.');
    const malformed = await t.http.get('/api/audit/proof/consistency?from=null').expect(400);
    expect(malformed.body.details[0].path).toBe('query.from');
  });
});
