package dev.kleiber.validate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTextTest {
    @Test
    void javaScriptCommentsBecomeSpacesKeepingOffsets() {
        String source = "a // b\nc /* d\ne */ f";
        SourceText text = SourceText.javaScript(source, false);
        assertThat(text.text()).isEqualTo("a     \nc     \n     f").hasSameSizeAs(source);
        assertThat(text.lineOf(text.text().indexOf('f'))).isEqualTo(3);
        assertThat(text.lineOf(0)).isEqualTo(1);
    }

    @Test
    void stringContentsAreBlankedOnlyWhenAsked() {
        String source = "x('a//b', \"c\\\"d\", `e${f('g')}h`)";
        assertThat(SourceText.javaScript(source, false).text()).isEqualTo(source);
        assertThat(SourceText.javaScript(source, true).text()).isEqualTo("x('    ', \"    \", ` ${f(' ')} `)");
    }

    @Test
    void regularExpressionsDoNotOpenStringsOrComments() {
        String source = "const re = /['\"]/g; const x = a / b; // c";
        String text = SourceText.javaScript(source, true).text();
        assertThat(text).startsWith("const re = /    /g; const x = a / b;").doesNotContain("// c");
    }

    @Test
    void unterminatedStringsEndAtTheirLine() {
        SourceText text = SourceText.javaScript("<p>Don't stop</p>\nfunction submitHandler() {}", true);
        assertThat(text.text()).endsWith("\nfunction submitHandler() {}");
    }

    @Test
    void sqlCommentsStringsAndDollarQuotesAreBlanked() {
        String source = "a -- b\n'c''d' \"E\" $$ f $$ $tag$ g $tag$ h";
        assertThat(SourceText.sql(source).text()).isEqualTo("a     \n'    ' \"E\"" + " ".repeat(23) + "h");
    }
}
