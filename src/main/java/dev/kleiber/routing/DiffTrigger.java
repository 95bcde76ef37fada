package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The third review trigger: what a change actually touches. After an agent's work passes validation, a change
 * that touches a sensitive path, or adds code that calls crypto APIs, hashes passwords, calls a payment SDK or
 * defines authentication middleware, goes to a person even when its text was routed without review. Pure:
 * changed files in, reasons out. Using an existing auth check ({@code router.get('/x', requireAuth, ...)}) is
 * not defining one, so only definitions count.
 */
public final class DiffTrigger {
    /** Reason ids, one per kind of evidence. */
    public static final String PATH = "diff.sensitive-path";
    public static final String CRYPTO = "diff.crypto";
    public static final String PASSWORD_HASHING = "diff.password-hashing";
    public static final String PAYMENT_SDK = "diff.payment-sdk";
    public static final String AUTH_MIDDLEWARE = "diff.auth-middleware";

    private static final Map<String, Pattern> PATTERNS = patterns();

    private final SensitivePaths sensitivePaths;

    public DiffTrigger(SensitivePaths sensitivePaths) {
        this.sensitivePaths = sensitivePaths;
    }

    private static Map<String, Pattern> patterns() {
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        patterns.put(PASSWORD_HASHING, Pattern.compile(
                "\\b(bcrypt|argon2(id)?|scrypt|pbkdf2|PBKDF2WithHmac\\w*|hashpw|password_hash|password_verify|passlib"
                        + "|PasswordEncoder|BCryptPasswordEncoder|Argon2PasswordEncoder|make_password|check_password)\\b"));
        patterns.put(CRYPTO, Pattern.compile(
                "\\b(javax\\.crypto|java\\.security\\.(KeyPair|Signature|MessageDigest)|Cipher\\.getInstance|SecretKeySpec"
                        + "|KeyPairGenerator|KeyGenerator|MessageDigest\\.getInstance|Mac\\.getInstance"
                        + "|createCipheriv|createDecipheriv|createHmac|createSign|createVerify|generateKeyPair"
                        + "|crypto\\.subtle|webcrypto|from\\s+cryptography|import\\s+cryptography|hashlib|hmac\\.new"
                        + "|Crypto\\.Cipher|nacl\\.|libsodium|sodium_|crypto/(aes|cipher|rsa|hmac|ecdsa)|openssl_\\w+"
                        + "|tweetnacl|jose\\.|node-forge)\\b"));
        patterns.put(PAYMENT_SDK, Pattern.compile(
                "(\\bcom\\.stripe\\b|\\bnew\\s+Stripe\\b|\\bStripe\\(|\\bstripe\\.(charges|refunds|paymentIntents|payouts|"
                        + "transfers|checkout|customers|subscriptions|invoices|setupIntents|PaymentIntent|Charge|Refund)"
                        + "|require\\(['\"]stripe['\"]\\)|from\\s+['\"]stripe['\"]|\\bimport\\s+stripe\\b"
                        + "|\\bbraintree\\.|\\bcom\\.braintreegateway\\b|@adyen/|\\bcom\\.adyen\\b|\\bpaypal(rest)?sdk\\b"
                        + "|@paypal/|\\bsquareup\\b|\\bPaymentIntent\\.create\\b|\\bRefund\\.create\\b|\\bCharge\\.create\\b)"));
        patterns.put(AUTH_MIDDLEWARE, Pattern.compile(
                "(\\b(function|const|let|var|def|class|fun|func)\\s+(\\w*([Aa]uth(?!or(?!i[zs]))|AUTH|[Pp]ermission)\\w*"
                        + "|(require|ensure|check|verify|assert|is|can|has)_?(Admin|admin|Role|role|Owner|owner|Access|access|"
                        + "Scope|scope)\\w*)"
                        + "|\\bpassport\\.use\\(|\\bSecurityFilterChain\\b|\\bHttpSecurity\\b|\\bOncePerRequestFilter\\b"
                        + "|\\bjwt\\.(sign|verify)\\(|\\bjsonwebtoken\\b|@PreAuthorize|@Secured\\b|@RolesAllowed"
                        + "|\\bAuthenticationManager\\b|\\bsession\\.(regenerate|destroy)\\()"));
        return patterns;
    }

    /** Why the change needs a person, in file order; empty when nothing sensitive is touched. */
    public List<Reason> reasons(List<ChangedFile> files) {
        List<Reason> reasons = new ArrayList<>();
        List<SensitivePaths.Match> paths = sensitivePaths.matches(files.stream().map(ChangedFile::path).toList());
        paths.forEach(m -> reasons.add(new Reason(PATH, "the change touches " + m.describe())));
        for (Map.Entry<String, Pattern> pattern : PATTERNS.entrySet()) {
            List<String> evidence = new ArrayList<>();
            for (ChangedFile file : files) {
                for (String line : file.addedLines()) {
                    Matcher matcher = pattern.getValue().matcher(line);
                    if (matcher.find()) {
                        evidence.add(file.path() + " adds '" + matcher.group().strip() + "'");
                        break;
                    }
                }
            }
            if (!evidence.isEmpty()) {
                reasons.add(new Reason(pattern.getKey(), String.join(", ", evidence)));
            }
        }
        return reasons;
    }
}
