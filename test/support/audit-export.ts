import type { TestApp } from './test-app';

/** The audit export as text, its bytes gathered first and decoded once (a chunk may end inside a character). */
export async function exportText(t: TestApp): Promise<string> {
  const response = await t.http
    .get('/api/audit/export')
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    })
    .expect(200);
  return response.body as string;
}
