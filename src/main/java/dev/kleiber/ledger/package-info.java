/** The cost ledger: prices, the cost of each call, reservations and the budget guard that cannot be overspent. */
package dev.kleiber.ledger;
