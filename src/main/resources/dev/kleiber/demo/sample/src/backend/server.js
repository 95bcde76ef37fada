import { createServer } from 'node:http';
import { findBook, listBooks } from '../services/catalog.js';

function handleRequest(request, response) {
  const url = new URL(request.url, 'http://localhost');
  if (request.method === 'GET' && url.pathname === '/books') {
    return sendJson(response, 200, listBooks());
  }
  const match = url.pathname.match(/^\/books\/([^/]+)$/);
  if (request.method === 'GET' && match) {
    const book = findBook(match[1]);
    return book ? sendJson(response, 200, book) : sendJson(response, 404, { error: 'book not found' });
  }
  return sendJson(response, 404, { error: 'no such route' });
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export function startServer(port = 0) {
  return new Promise((resolve) => {
    const server = createServer(handleRequest);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer(Number(process.env.PORT ?? 3000));
  console.log(`Lantern Books on http://127.0.0.1:${server.address().port}`);
}
