/**
 * The set-up page of a new installation refuses a password of blanks only at its field, in
 * German, and creates no account; a real password still goes through.
 */
import request from 'supertest';
import { DEFAULT_AUTH } from '../config/configuration';
import { FirstAccountSetup } from '../src/auth/first-account';
import { startTestApp, type TestApp } from './support/test-app';

const errorAt = (html: string, id: string) =>
  new RegExp(`<p class="error-message" id="einrichtung-${id}-error"><span class="visually-hidden">Fehler: </span>([^<]+)</p>`).exec(html)?.[1] ?? null;

describe('the set-up page’s password', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { auth: { ...DEFAULT_AUTH, bootstrapToken: null, securityLog: 'off' } } });
  }, 60_000);
  afterAll(() => t.close());

  test('a password of spaces only is refused at „Passwort“ and no account is created; a real one then signs in', async () => {
    const offer = await t.app.get(FirstAccountSetup).offer('http://localhost:3000');
    const code = new URL(offer!.link).searchParams.get('code')!;
    const browser = request.agent(t.app.getHttpServer());
    const blanks = ' '.repeat(14);
    const refused = await browser.post('/einrichten').type('form').send({ code, username: 'erste', password: blanks, passwordRepeated: blanks }).expect(400);
    expect(errorAt(refused.text, 'password')).toBe('Das Passwort darf nicht nur aus Leerzeichen bestehen.');
    // The link still stands: nothing was created.
    await t.anonymous.get(`/einrichten?code=${code}`).expect(200);

    await browser.post('/einrichten').type('form').send({ code, username: 'erste', password: 'ein-langes-Passwort', passwordRepeated: 'ein-langes-Passwort' }).expect(303);
  });
});
