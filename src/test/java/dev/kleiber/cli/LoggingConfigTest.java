package dev.kleiber.cli;

import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A broken logback.xml makes logback print its own status to stdout, which would corrupt --json output. */
class LoggingConfigTest {
    @Test
    void logbackConfigurationIsWellFormedAndLogsToStderr() throws Exception {
        try (InputStream in = Main.class.getResourceAsStream("/logback.xml")) {
            assertThat(in).isNotNull();
            var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            assertThat(document.getElementsByTagName("target").item(0).getTextContent()).isEqualTo("System.err");
        }
    }
}
