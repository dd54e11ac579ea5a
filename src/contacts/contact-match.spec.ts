import { matchContacts, type ContactCandidate } from './contact-match';

const recorded = (id: string, fields: Partial<ContactCandidate>): ContactCandidate => ({ id, name: null, organization: null, email: null, phone: null, ...fields });

describe('matchContacts', () => {
  const erika = recorded('erika', { name: 'Erika Muster', organization: 'Hessen', email: 'erika@hessen.example' });
  const bernd = recorded('bernd', { name: 'Bernd Bund', organization: 'BMI' });

  test('the same e-mail address and name is the recorded person, whatever the case; a differing organisation is kept and noted', () => {
    const [match] = matchContacts([{ name: 'ERIKA  muster', organization: 'HMdIS', email: 'Erika@Hessen.example' }], [erika, bernd]);
    expect(match).toMatchObject({ status: 'existing', id: 'erika', by: 'email', fill: {} });
    expect(match.notes).toEqual(['Organisation von „ERIKA  muster“: erfasst ist „Hessen“, hier „HMdIS“; es bleibt bei der erfassten Angabe (berichtigen unter Ansprechperson erika).']);
  });

  test('a name alone matches the one person bearing it, and what it lacks is to be filled in', () => {
    expect(matchContacts([{ name: 'Bernd Bund', email: 'bernd@bmi.example', phone: '030 1' }], [erika, bernd])).toEqual([
      { status: 'existing', id: 'bernd', by: 'name', fill: { email: 'bernd@bmi.example', phone: '030 1' }, notes: [] },
    ]);
  });

  test('a shared mailbox under another name, a namesake with another address, and two namesakes are new people', () => {
    expect(matchContacts([{ name: 'Rita Muster', email: 'erika@hessen.example' }], [erika])[0]).toMatchObject({ status: 'new' });
    expect(matchContacts([{ name: 'Erika Muster', email: 'erika@bayern.example' }], [erika])[0]).toMatchObject({ status: 'new' });
    const twin = recorded('twin', { name: 'Erika Muster', organization: 'Bayern' });
    expect(matchContacts([{ name: 'Erika Muster' }], [erika, twin])[0]).toMatchObject({ status: 'new', notes: [expect.stringContaining('2 erfasste Ansprechpersonen heißen „Erika Muster“')] });
  });

  test('the same person twice in one list is repeated, whether recorded or new', () => {
    expect(matchContacts([{ name: 'Erika Muster' }, { name: 'erika muster', email: 'erika@hessen.example' }], [erika]).map((m) => m.status)).toEqual(['existing', 'repeated']);
    expect(matchContacts([{ name: 'Jana Neu' }, { name: 'Jana Neu', organization: 'Berlin' }], []).map((m) => m.status)).toEqual(['new', 'repeated']);
    expect(matchContacts([{ name: 'Jana Neu', email: 'a@x.example' }, { name: 'Jana Neu', email: 'b@x.example' }], []).map((m) => m.status)).toEqual(['new', 'new']);
  });
});
