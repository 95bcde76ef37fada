package dev.kleiber.validate;

/** An HTTP route declared in backend code: {@code GET /users/:id} at {@code src/backend/users.ts} line 12. */
record Endpoint(String method, String path, String file, int line) {
}
