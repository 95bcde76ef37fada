package dev.kleiber.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokensTest {

    @ParameterizedTest(name = "{0} and {1} share a stem")
    @CsvSource({"authorize,authorized", "authorize,authorizing", "authorize,authorizes", "authorize,authorise",
            "payment,payments", "pay,paying", "encrypt,encrypted", "refund,refunds", "process,processes",
            "colour,color", "docstring,docstrings", "policy,policies", "log,logs", "log,logging"})
    void inflectionsShareAStem(String a, String b) {
        assertThat(Tokens.stem(a)).isEqualTo(Tokens.stem(b));
    }

    @ParameterizedTest(name = "{0} and {1} stay apart")
    @CsvSource({"pay,display", "pay,payload", "pay,repay", "token,tokenizer", "card,dashboard", "auth,author",
            "auth,authoring", "status,statu", "drop,dropdown"})
    void differentWordsStayApart(String a, String b) {
        assertThat(Tokens.stem(a)).isNotEqualTo(Tokens.stem(b));
    }

    @Test
    void splitsOnPunctuationAndCamelCase() {
        assertThat(Tokens.of("Fix PaymentProcessor.charge() in pci-dss/api_v2.ts").words())
                .containsExactly("fix", "payment", "processor", "charge", "in", "pci", "dss", "api", "v2", "ts");
    }

    @Test
    void nonHyphenatedIsOneWordSoItNeverMatchesWhatItNegates() {
        assertThat(Tokens.of("a non-destructive migration, non-blocking io").words())
                .containsExactly("a", "nondestructive", "migration", "nonblocking", "io");
    }

    @Test
    void dropsQuotedTextButKeepsApostrophesInWords() {
        assertThat(Tokens.of("Rename the 'Pay' tab to \"Billing\" in the user's tool").words())
                .containsExactly("rename", "the", "tab", "to", "in", "the", "users", "tool");
        assertThat(Tokens.of("Fix other tenants' invoices").words()).containsExactly("fix", "other", "tenants", "invoices");
    }

    @Test
    void termsMatchWholeWordsPhrasesAndWildcards() {
        Terms.Builder builder = new Terms.Builder();
        int pay = builder.add(List.of("pay", "payment"));
        int across = builder.add(List.of("across .. services"));
        int exact = builder.add(List.of("=logging"));
        Terms terms = builder.build();

        assertThat(terms.scan(Tokens.of("Display the payload")).of(pay)).isEmpty();
        assertThat(terms.scan(Tokens.of("Payments are paid by paying")).of(pay))
                .extracting(Terms.Match::text).containsExactly("payments", "paying");
        assertThat(terms.scan(Tokens.of("Refactor across the orders and search services")).of(across))
                .extracting(Terms.Match::text).containsExactly("across the orders and search services");
        assertThat(terms.scan(Tokens.of("across one two three four five services")).of(across)).isEmpty();
        assertThat(terms.scan(Tokens.of("Show the log lines")).of(exact)).isEmpty();
        assertThat(terms.scan(Tokens.of("Add logging")).of(exact)).extracting(Terms.Match::text).containsExactly("logging");
    }

    @Test
    void termsMustBeginAndEndWithAWord() {
        assertThat(Terms.problem("* strategy")).hasValueSatisfying(m -> assertThat(m).contains("must begin and end"));
        assertThat(Terms.problem("across ..")).isPresent();
        assertThat(Terms.problem("   ")).isPresent();
        assertThat(Terms.problem("across # services")).isEmpty();
    }
}
