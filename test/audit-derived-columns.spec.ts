/**
 * What verify derives from a stored projection row is what the write path wrote: the same title,
 * status, state paths, search text and index rows as `projectionOf` and named-ids.ts give.
 */
import { derivedColumns } from '../src/audit/audit.service';
import { replayRecords } from '../src/audit/replay';
import { contextHeadText } from '../src/event-log/stored-context';
import { contactIdsOf, linkedBodyIds } from '../src/event-log/named-ids';
import { projectionOf } from '../src/lifecycle/lifecycle.service';
import { recordStream, registration, typicalLifecycle } from './audit-builders';

const OLD_BODY = '00000000-0000-4000-8000-0000000000b1';
const CONTACT_A = '00000000-0000-4000-8000-0000000000c1';
const CONTACT_B = '00000000-0000-4000-8000-0000000000c2';

describe('derivedColumns', () => {
  test('derives from a stored projection what the write path stored beside it', () => {
    const records = recordStream(typicalLifecycle, {
      registration: registration({
        shortName: 'PG OZG',
        leads: ['Freie Hansestadt Bremen', 'Bund'],
        contactIds: [CONTACT_B, CONTACT_A],
        predecessors: [{ name: 'Vorgänger', bodyId: OLD_BODY }],
      }),
    });
    const { snapshot, machine } = replayRecords(records);
    const projection = projectionOf(snapshot!, machine!);
    const { value, context } = projection.persisted;
    expect(derivedColumns(JSON.stringify(value), contextHeadText(context))).toEqual({
      title: projection.title,
      status: projection.status,
      statePaths: ` ${projection.statePaths.join(' ')} `,
      searchText: projection.searchText,
      contacts: contactIdsOf(context),
      links: linkedBodyIds(context),
    });
    expect(projection.searchText).toContain('pg ozg');
    expect(linkedBodyIds(context)).toEqual([OLD_BODY]);
    expect(contactIdsOf(context)).toEqual([CONTACT_A, CONTACT_B]);
  });

  test('derives nothing from stored JSON that does not parse: replay names that', () => {
    expect(derivedColumns('{"active"', '{')).toEqual({ title: null, status: null, statePaths: null, searchText: null, contacts: null, links: null });
  });
});
