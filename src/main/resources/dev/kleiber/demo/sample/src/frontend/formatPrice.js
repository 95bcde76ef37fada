// Formats a price in cents for the storefront, e.g. 1899 -> "$18.99".
export function formatPrice(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}
