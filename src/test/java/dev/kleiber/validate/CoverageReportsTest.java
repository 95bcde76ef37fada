package dev.kleiber.validate;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoverageReportsTest {
    @TempDir
    Path root;

    @Test
    void lcovCountsDistinctLinesPerSourceFile() {
        String lcov = """
                TN:
                SF:src/a.ts
                FN:1,f
                DA:1,1
                DA:2,0
                DA:3,5
                LF:3
                LH:2
                end_of_record
                SF:src/b.ts
                DA:1,0
                DA:2,0
                end_of_record
                SF:src/a.ts
                DA:2,3
                end_of_record
                """;
        CoverageReport report = CoverageReports.parse(lcov, "coverage/lcov.info");
        assertThat(report).isEqualTo(new CoverageReport("coverage/lcov.info", CoverageReport.Format.LCOV, 3, 5));
        assertThat(report.percent()).hasToString("60.0");
        assertThat(report.meets(60)).isTrue();
        assertThat(report.meets(61)).isFalse();
    }

    @Test
    void lcovWithOnlySummariesUsesLfAndLh() {
        CoverageReport report = CoverageReports.parse("SF:a.js\nLF:10\nLH:9\nend_of_record\nSF:b.js\nLF:10\nLH:7\nend_of_record\n",
                "lcov.info");
        assertThat(report.coveredLines()).isEqualTo(16);
        assertThat(report.totalLines()).isEqualTo(20);
    }

    @Test
    void badLcovNamesTheLine() {
        assertThatThrownBy(() -> CoverageReports.parse("SF:a.js\nDA:one,1\n", "coverage/lcov.info"))
                .isInstanceOf(KleiberException.class)
                .hasMessage("coverage/lcov.info line 2: expected a number; found 'DA:one,1'");
        assertThatThrownBy(() -> CoverageReports.parse("SF:a.js\nDA:4\n", "lcov.info"))
                .hasMessage("lcov.info line 2: expected DA:{line},{hits}; found 'DA:4'");
        assertThatThrownBy(() -> CoverageReports.parse("hello\n", "lcov.info"))
                .hasMessage("lcov.info: not an lcov report (no SF: or DA: lines)");
    }

    @Test
    void coberturaUsesTheRootTotals() {
        String xml = """
                <?xml version="1.0" ?>
                <!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
                <coverage line-rate="0.8125" branch-rate="0" lines-covered="13" lines-valid="16" version="7.4" timestamp="1">
                  <packages/>
                </coverage>
                """;
        assertThat(CoverageReports.parse(xml, "coverage.xml"))
                .isEqualTo(new CoverageReport("coverage.xml", CoverageReport.Format.COBERTURA, 13, 16));
    }

    @Test
    void coberturaWithoutTotalsCountsLines() {
        String xml = """
                <coverage line-rate="0.5">
                  <packages><package name="p"><classes>
                    <class name="A" filename="a.py">
                      <methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods>
                      <lines><line number="1" hits="1"/><line number="2" hits="0"/><line number="3" hits="2"/></lines>
                    </class>
                    <class name="B" filename="b.py"><lines><line number="1" hits="0"/></lines></class>
                  </classes></package></packages>
                </coverage>
                """;
        CoverageReport report = CoverageReports.parse(xml, "cobertura.xml");
        assertThat(report.coveredLines()).isEqualTo(2);
        assertThat(report.totalLines()).isEqualTo(4);
    }

    @Test
    void jacocoUsesTheReportLevelLineCounterDespiteItsDoctype() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
                <report name="app">
                  <sessioninfo id="x" start="1" dump="2"/>
                  <package name="a">
                    <class name="a/B"><counter type="LINE" missed="100" covered="0"/></class>
                    <counter type="LINE" missed="100" covered="0"/>
                  </package>
                  <counter type="INSTRUCTION" missed="5" covered="50"/>
                  <counter type="LINE" missed="19" covered="81"/>
                </report>
                """;
        CoverageReport report = CoverageReports.parse(xml, "target/site/jacoco/jacoco.xml");
        assertThat(report).isEqualTo(new CoverageReport("target/site/jacoco/jacoco.xml", CoverageReport.Format.JACOCO, 81, 100));
        assertThat(report.meets(80)).isTrue();
    }

    @Test
    void anExternalEntityIsRefusedAndItsFileNeverRead() throws IOException {
        Path secret = Files.writeString(root.resolve("secret.txt"), "TOP-SECRET-VALUE");
        String xml = """
                <?xml version="1.0"?>
                <!DOCTYPE coverage [ <!ENTITY xxe SYSTEM "%s"> ]>
                <coverage lines-covered="1" lines-valid="2"><sources><source>&xxe;</source></sources></coverage>
                """.formatted(secret.toUri());
        Path file = Files.writeString(root.resolve("coverage.xml"), xml);
        assertThatThrownBy(() -> CoverageReports.read(file, "coverage.xml"))
                .isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("coverage.xml line 3: unreadable coverage XML (DTDs and external entities are not read)")
                .hasMessageNotContaining("TOP-SECRET-VALUE");
    }

    @Test
    void anEntityInAnAttributeCannotInjectFigures() {
        String xml = """
                <!DOCTYPE coverage [ <!ENTITY n "99"> ]>
                <coverage lines-covered="&n;" lines-valid="100"/>
                """;
        assertThatThrownBy(() -> CoverageReports.parse(xml, "coverage.xml")).isInstanceOf(KleiberException.class)
                .hasMessageContaining("unreadable coverage XML");
    }

    @Test
    void entityExpansionBombsAreRefused() {
        String xml = """
                <?xml version="1.0"?>
                <!DOCTYPE coverage [
                  <!ENTITY a "aaaaaaaaaa">
                  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
                  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
                  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
                ]>
                <coverage lines-covered="1" lines-valid="1"><source>&d;&d;&d;&d;&d;&d;&d;&d;</source></coverage>
                """;
        assertThatThrownBy(() -> CoverageReports.parse(xml, "coverage.xml")).isInstanceOf(KleiberException.class);
    }

    @Test
    void malformedOrForeignXmlIsAClearError() {
        assertThatThrownBy(() -> CoverageReports.parse("<coverage lines-covered=\"x\" lines-valid=\"2\"/>", "c.xml"))
                .hasMessage("c.xml line 1: <coverage> attribute lines-covered must be a whole number >= 0; found 'x'");
        assertThatThrownBy(() -> CoverageReports.parse("<project/>", "c.xml"))
                .hasMessage("c.xml: expected a Cobertura <coverage> or JaCoCo <report> root element; found <project>");
        assertThatThrownBy(() -> CoverageReports.parse("<coverage>", "c.xml"))
                .hasMessageStartingWith("c.xml line 1: unreadable coverage XML");
        assertThatThrownBy(() -> CoverageReports.parse("<report><counter type=\"BRANCH\" missed=\"1\" covered=\"1\"/></report>", "j.xml"))
                .hasMessage("j.xml: JaCoCo report without a report-level <counter type=\"LINE\">");
    }

    @Test
    void findsReportsWhereToolsWriteThem() throws IOException {
        assertThat(CoverageReports.find(root)).isEmpty();
        Files.createDirectories(root.resolve("coverage"));
        Files.writeString(root.resolve("coverage/lcov.info"), "SF:a\nDA:1,1\nend_of_record\n");
        Files.createDirectories(root.resolve("build/reports/jacoco/test"));
        Files.writeString(root.resolve("build/reports/jacoco/test/jacocoTestReport.xml"), "<report/>");
        Files.createDirectories(root.resolve("target/site/jacoco/jacoco.xml"));
        assertThat(CoverageReports.find(root)).containsExactly(root.resolve("coverage/lcov.info"),
                root.resolve("build/reports/jacoco/test/jacocoTestReport.xml"));
    }

    @Test
    void percentRoundsDownSoAFailingFigureNeverLooksLikeAPass() {
        CoverageReport report = new CoverageReport("x", CoverageReport.Format.LCOV, 7999, 10000);
        assertThat(report.percent()).hasToString("79.9");
        assertThat(report.meets(80)).isFalse();
        assertThat(new CoverageReport("x", CoverageReport.Format.LCOV, 0, 0).meets(0)).isFalse();
    }
}
