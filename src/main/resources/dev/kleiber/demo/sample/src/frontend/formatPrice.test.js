import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPrice } from './formatPrice.js';

test('formats cents as dollars', () => {
  assert.equal(formatPrice(1899), '$18.99');
  assert.equal(formatPrice(5), '$0.05');
});
