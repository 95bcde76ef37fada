package dev.kleiber.validate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"users", "user_accounts", "people", "data", "media", "news", "series", "species",
            "categories", "addresses", "statuses", "order_items", "metadata", "audit_logs", "analyses", "feedback",
            "user_settings", "children", "boxes", "schema_migrations"})
    void pluralTableNamesArePlural(String name) {
        assertThat(Names.isPlural(name)).as(name).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "user_account", "person", "category", "address", "status", "order_item",
            "audit_log", "analysis", "bus", "process", "class", "box", "order_status", "campus", "s"})
    void singularTableNamesAreNot(String name) {
        assertThat(Names.isPlural(name)).as(name).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"user,users", "user_account,user_accounts", "category,categories", "address,addresses",
            "box,boxes", "match,matches", "person,people", "analysis,analyses", "day,days", "status,statuses",
            "child,children", "users,users"})
    void pluralizesTheLastWord(String singular, String plural) {
        assertThat(Names.pluralize(singular)).isEqualTo(plural);
    }

    @ParameterizedTest
    @CsvSource({"UserAccount,user_account", "createdAt,created_at", "HTTPServer,http_server", "user-id,user_id",
            "already_snake,already_snake", "userID,user_id", "address2Line,address_2_line"})
    void snakeCase(String name, String snake) {
        assertThat(Names.toSnake(name)).isEqualTo(snake);
    }

    @ParameterizedTest
    @CsvSource({"format-date,formatDate,FormatDate", "FormatDate,formatDate,FormatDate",
            "format_date,formatDate,FormatDate", "user-profile,userProfile,UserProfile"})
    void camelAndPascalCase(String name, String camel, String pascal) {
        assertThat(Names.toCamel(name)).isEqualTo(camel);
        assertThat(Names.toPascal(name)).isEqualTo(pascal);
    }

    @ParameterizedTest
    @CsvSource({"users,true", "user_accounts,true", "created_at,true", "UserAccount,false", "createdAt,false",
            "user__id,false", "_id,false", "id_,false", "2fa_codes,false", "utf8_names,true"})
    void recognisesSnakeCase(String name, boolean snake) {
        assertThat(Names.isSnake(name)).isEqualTo(snake);
    }
}
