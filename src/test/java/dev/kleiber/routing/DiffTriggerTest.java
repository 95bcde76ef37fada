package dev.kleiber.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DiffTriggerTest {
    private static final DiffTrigger TRIGGER = new DiffTrigger(SensitivePaths.DEFAULTS);

    private static List<Reason> added(String path, String... lines) {
        return TRIGGER.reasons(List.of(new ChangedFile(path, List.of(lines))));
    }

    @Test
    void readsTheFilesAndAddedLinesOfAGitDiff() {
        String diff = """
                 src/auth/session.ts | 3 ++-
                 2 files changed
                diff --git a/src/auth/session.ts b/src/auth/session.ts
                index 1111111..2222222 100644
                --- a/src/auth/session.ts
                +++ b/src/auth/session.ts
                @@ -1,2 +1,3 @@
                 const a = 1;
                -const b = 2;
                +const b = 3;
                +++counter;
                diff --git a/old.txt b/old.txt
                deleted file mode 100644
                --- a/old.txt
                +++ /dev/null
                @@ -1 +0,0 @@
                -gone
                """;

        assertThat(ChangedFile.parse(diff)).containsExactly(
                new ChangedFile("src/auth/session.ts", List.of("const b = 3;", "++counter;")),
                new ChangedFile("old.txt", List.of()));
    }

    @Test
    void aChangeUnderSrcAuthNamesThePathAndTheGlob() {
        assertThat(added("src/auth/lastSeen.js", "export const x = 1;"))
                .containsExactly(new Reason(DiffTrigger.PATH, "the change touches src/auth/lastSeen.js (auth: src/auth/**)"));
    }

    @Test
    void aDeletedSensitiveFileCounts() {
        assertThat(TRIGGER.reasons(ChangedFile.parse("--- a/lib/permissions.rb\n+++ /dev/null\n-x\n")))
                .extracting(Reason::ruleId).containsExactly(DiffTrigger.PATH);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "diff.crypto | const mac = crypto.createHmac('sha256', key);",
            "diff.crypto | Cipher cipher = Cipher.getInstance(\"AES/GCM/NoPadding\");",
            "diff.crypto | import hashlib",
            "diff.password-hashing | const hash = await bcrypt.hash(password, 12);",
            "diff.password-hashing | return new BCryptPasswordEncoder();",
            "diff.password-hashing | hashed = argon2.hash(secret)",
            "diff.payment-sdk | const stripe = require('stripe')(process.env.KEY);",
            "diff.payment-sdk | await stripe.refunds.create({ payment_intent: id });",
            "diff.payment-sdk | import com.stripe.model.PaymentIntent;",
            "diff.auth-middleware | export function requireAdmin(req, res, next) { if (!req.user) return res.sendStatus(401); }",
            "diff.auth-middleware | export function authenticateRequest(req, res, next) {",
            "diff.auth-middleware | const checkPermission = (role) => (req, res, next) => next();",
            "diff.auth-middleware | passport.use(new LocalStrategy(verify));",
            "diff.auth-middleware | @PreAuthorize(\"hasRole('ADMIN')\")"})
    void sensitiveCodeInAnyFileForcesReviewNamingFileAndCode(String ruleId, String line) {
        List<Reason> reasons = added("src/services/reports.js", line);

        assertThat(reasons).extracting(Reason::ruleId).contains(ruleId);
        assertThat(reasons.stream().filter(r -> r.ruleId().equals(ruleId)).findFirst().orElseThrow().evidence())
                .startsWith("src/services/reports.js adds '");
    }

    @ParameterizedTest(name = "not sensitive: {0}")
    @ValueSource(strings = {
            "router.get('/reports', requireAuth, listReports);",
            "const authorName = book.author;",
            "app.use('/exports', requireAuth, exportsRouter);",
            "const total = items.reduce((sum, i) => sum + i.price, 0);",
            "// we hash the cache key with the locale"})
    void usingAnExistingAuthCheckOrOrdinaryCodeIsNotAReason(String line) {
        assertThat(added("src/services/reports.js", line)).isEmpty();
    }

    @Test
    void projectPathsReplaceADefaultCategory() {
        SensitivePaths paths = SensitivePaths.DEFAULTS.with(Map.of("auth", List.of("app/security/**")));
        DiffTrigger trigger = new DiffTrigger(paths);

        assertThat(trigger.reasons(List.of(new ChangedFile("app/security/Guard.kt", List.of()))))
                .containsExactly(new Reason(DiffTrigger.PATH, "the change touches app/security/Guard.kt (auth: app/security/**)"));
        assertThat(trigger.reasons(List.of(new ChangedFile("src/auth/x.ts", List.of())))).isEmpty();
        assertThat(trigger.reasons(List.of(new ChangedFile("src/billing/invoice.ts", List.of()))))
                .extracting(Reason::ruleId).containsExactly(DiffTrigger.PATH);
    }

    @Test
    void aLeadingDoubleStarAlsoMatchesAtTheRoot() {
        assertThat(SensitivePaths.DEFAULTS.match("permissions.ts")).isPresent();
        assertThat(SensitivePaths.DEFAULTS.match("src/acl/user_permission_check.py")).isPresent();
        assertThat(SensitivePaths.DEFAULTS.match(".env.production")).isPresent();
        assertThat(SensitivePaths.DEFAULTS.match("src/catalog/books.ts")).isEmpty();
        assertThat(SensitivePaths.DEFAULTS.match("docs/refunds.md")).as("prose is not code").isEmpty();
    }
}
