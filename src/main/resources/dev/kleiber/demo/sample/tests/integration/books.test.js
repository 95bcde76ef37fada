import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/backend/server.js';

let server;
let base;

before(async () => {
  server = await startServer(0);
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('GET /books lists the catalogue', async () => {
  const response = await fetch(`${base}/books`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).length, 3);
});

test('GET /books/:id returns one book or 404', async () => {
  assert.equal((await (await fetch(`${base}/books/b3`)).json()).title, 'Tempo Rubato');
  assert.equal((await fetch(`${base}/books/zzz`)).status, 404);
});
