package dev.kleiber.server;

import io.javalin.security.RouteRole;

/**
 * What a route asks of its caller: the scope, and whether it changes state (then it draws from the token's write
 * bucket, and a cookie-authenticated caller must send the CSRF token).
 */
record Needs(Scope scope, boolean write) implements RouteRole {
    static final Needs READ = new Needs(Scope.READ, false);
    static final Needs APPROVE = new Needs(Scope.APPROVE, true);
    static final Needs ADMIN = new Needs(Scope.ADMIN, true);
    /** A session's own routes: any signed-in caller, counted as a read. */
    static final Needs SIGNED_IN = new Needs(Scope.READ, false);
}
