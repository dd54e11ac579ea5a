import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './test-app';

const SEED = readFileSync(join(__dirname, '..', '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const OTHER = SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Cloud-Strategie Föderal').replace('Beschluss 2024/09', 'Beschluss 2024/10');
const IMPORT = '/api/bodies/import?applyDecision=true&procedure=Umlaufverfahren';

/**
 * Two bodies taken over from the seed's registration form, each with its Beschluss carried out
 * (Umlaufverfahren): `held`, the seed by Beschluss 2024/09 of 12.06.2024, registered 03.06.2024
 * and held for its Nacherfassung; `other`, „Cloud-Strategie Föderal“ by Beschluss 2024/10 of
 * 20.06.2024, not held. Their ids.
 */
export async function importHeldAndOther(t: TestApp): Promise<{ held: string; other: string }> {
  const importForm = async (text: string, query: string) => (await t.http.post(`${IMPORT}${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text).expect(201)).body.id as string;
  const held = await importForm(SEED, '&decisionDate=2024-06-12&registeredAt=2024-06-03&backfill=true');
  const other = await importForm(OTHER, '&decisionDate=2024-06-20');
  return { held, other };
}
