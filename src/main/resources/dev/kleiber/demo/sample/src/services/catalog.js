// The catalogue of books, held in memory.
const books = [
  { id: 'b1', title: 'The Conductor', author: 'C. Kleiber', priceCents: 1899, stock: 4 },
  { id: 'b2', title: 'Rests and Silences', author: 'A. Webern', priceCents: 1250, stock: 0 },
  { id: 'b3', title: 'Tempo Rubato', author: 'F. Chopin', priceCents: 2400, stock: 12 },
];

export function listBooks() {
  return books.map((book) => ({ ...book }));
}

export function findBook(id) {
  const book = books.find((candidate) => candidate.id === id);
  return book ? { ...book } : undefined;
}
