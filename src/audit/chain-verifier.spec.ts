import { recordStream, rehash, typicalLifecycle } from '../../test/audit-builders';
import { hashAuditLogEntry, type AuditLogEntry } from './audit-log';
import { verifyChains } from './chain-verifier';

describe('chain verification', () => {
  const body = () => recordStream(typicalLifecycle, { bodyId: '11111111-1111-4111-8111-111111111111' });

  it('finds an untouched log intact and counts every event', () => {
    const other = recordStream([], { bodyId: '22222222-2222-4222-8222-222222222222' });
    const report = verifyChains([...body(), ...other]);
    expect(report).toMatchObject({ intact: true, events: 6, breaks: [] });
    expect(report.streams.map((s) => [s.events, s.head?.version])).toEqual([
      [5, 5],
      [1, 1],
    ]);
  });

  it('names the event whose data was changed after recording', () => {
    const events = body();
    events[3] = { ...events[3], occurredAt: '2024-06-30T07:00:00.000Z' };
    const [broken] = verifyChains(events).breaks;
    expect(broken).toMatchObject({ version: 4, kind: 'content', eventId: events[3].id });
    expect(broken.message).toContain('Version 4 „Tätigkeit begonnen“');
    expect(broken.message).toContain('verändert');
  });

  it('names the version an event deleted from the middle leaves missing, between the recorded events before and after it, and blames neither', () => {
    const events = body();
    const [broken] = verifyChains([...events.slice(0, 2), ...events.slice(3)]).breaks;
    expect(broken).toEqual({
      stream: events[0].bodyId,
      version: 3,
      eventId: null,
      kind: 'gap',
      missing: { from: 3, to: 3, after: { version: 2, eventId: events[1].id }, before: { version: 4, eventId: events[3].id } },
      message: `Gremium ${events[0].bodyId}, Version 3: Das Ereignis fehlt (gelöscht), zwischen Version 2 „Zur Beschlussfassung eingereicht“ (Ereignis ${events[1].id}) und Version 4 „Tätigkeit begonnen“ (Ereignis ${events[3].id}).`,
    });
  });

  it('names every version of a gap of several deleted events', () => {
    const events = body();
    const [broken] = verifyChains([events[0], events[4]]).breaks;
    expect(broken).toMatchObject({ version: 2, eventId: null, kind: 'gap', missing: { from: 2, to: 4, after: { version: 1, eventId: events[0].id }, before: { version: 5, eventId: events[4].id } } });
    expect(broken.message).toContain(`, Versionen 2 bis 4: Die Ereignisse fehlen (gelöscht), zwischen Version 1 „`);
    expect(broken.message).toContain(`(Ereignis ${events[0].id}) und Version 5 „`);
  });

  it('notices that the first events were deleted, naming the recorded event the stream now begins with', () => {
    const events = body();
    const [broken] = verifyChains(events.slice(2)).breaks;
    expect(broken).toMatchObject({ version: 1, eventId: null, kind: 'start', missing: { from: 1, to: 2, after: null, before: { version: 3, eventId: events[2].id } } });
    expect(broken.message).toBe(
      `Gremium ${events[0].bodyId}, Versionen 1 bis 2: Die Ereignisse fehlen (gelöscht), vor Version 3 „Eingerichtet (Beschluss)“ (Ereignis ${events[2].id}), mit der der Strom erst beginnt.`,
    );
  });

  it('recognises two events whose versions were swapped', () => {
    const events = body();
    const swapped = [events[0], events[1], { ...events[3], version: 3 }, { ...events[2], version: 4 }, events[4]];
    const [broken] = verifyChains(swapped).breaks;
    expect(broken).toMatchObject({ version: 3, kind: 'swapped' });
    expect(broken.message).toContain('hinter Version 4');
  });

  it('names an event replaced with a recomputed hash by the link the next event still holds', () => {
    const events = body();
    const forged = rehash([events[0], events[1], { ...events[2], data: { approvedUntil: '2026-03-31', reports: [] } }])[2];
    const [broken] = verifyChains([events[0], events[1], forged, events[3], events[4]]).breaks;
    expect(broken).toMatchObject({ version: 3, kind: 'replaced', eventId: forged.id });
  });

  it('cannot see a consistent rewrite or a cut-off tail on its own', () => {
    const events = body();
    expect(verifyChains(events.slice(0, 3)).intact).toBe(true);
    const rewritten = rehash([...events.slice(0, 2), { ...events[2], data: { approvedUntil: '2026-03-31', reports: [] } }, ...events.slice(3)]);
    expect(verifyChains(rewritten).intact).toBe(true);
  });

  it('reports data that cannot be read back at its place', () => {
    const events = body();
    const { data: _data, actor: _actor, occurredAt: _o, recordedAt: _r, machine: _m, decision: _d, ...rest } = events[1];
    const unreadable = { ...rest, unreadable: 'Unexpected token' };
    const [broken] = verifyChains([events[0], unreadable, ...events.slice(2)]).breaks;
    expect(broken).toMatchObject({ version: 2, kind: 'unreadable' });
  });

  it('verifies the audit log as a stream of its own', () => {
    const first: Omit<AuditLogEntry, 'hash'> = {
      id: 'a1',
      version: 1,
      type: 'contactErased',
      data: { contactId: 'c1', reason: 'Antrag nach Art. 17 DSGVO', bodyIds: [] },
      actor: { id: 'gs', role: 'secretariat' },
      occurredAt: '2025-01-01T10:00:00.000Z',
      recordedAt: '2025-01-01T10:00:00.000Z',
      prevHash: null,
    };
    const entry = { ...first, hash: hashAuditLogEntry(first) };
    expect(verifyChains([], [entry]).intact).toBe(true);
    const [broken] = verifyChains([], [{ ...entry, data: { ...entry.data, reason: 'anders' } }]).breaks;
    expect(broken).toMatchObject({ stream: 'audit-log', version: 1, kind: 'content' });
    expect(broken.message).toMatch(/^Audit-Protokoll, Version 1/);
  });
});
