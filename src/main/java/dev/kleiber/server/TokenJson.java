package dev.kleiber.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A token as JSON: name, scope and dates; never a secret or its hash. */
public final class TokenJson {
    private TokenJson() {
    }

    public static ObjectNode of(ApiToken token) {
        ObjectNode node = ApiServer.JSON.createObjectNode();
        node.put("name", token.name()).put("scope", token.scope().id()).put("createdAt", token.createdAt().toString());
        node.put("expiresAt", token.expiresAt().map(Object::toString).orElse(null));
        node.put("revokedAt", token.revokedAt().map(Object::toString).orElse(null));
        return node;
    }
}
