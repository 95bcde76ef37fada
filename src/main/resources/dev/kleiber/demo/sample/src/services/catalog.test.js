import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBook, listBooks } from './catalog.js';

test('lists every book', () => {
  assert.equal(listBooks().length, 3);
});

test('finds a book by id and returns a copy', () => {
  const book = findBook('b1');
  assert.equal(book.title, 'The Conductor');
  book.title = 'changed';
  assert.equal(findBook('b1').title, 'The Conductor');
});

test('an unknown id finds nothing', () => {
  assert.equal(findBook('nope'), undefined);
});
