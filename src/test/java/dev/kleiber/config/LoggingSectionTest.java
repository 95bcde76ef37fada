package dev.kleiber.config;

import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoggingSectionTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void textIsTheDefaultAndJsonIsChosenByName() {
        assertThat(parser.parse("version: 1\n", "kleiber.yaml").logging()).isEqualTo(LogSettings.DEFAULT);
        assertThat(parser.parse("logging: {}\n", "kleiber.yaml").logging().format()).isEqualTo(LogSettings.Format.TEXT);
        assertThat(parser.parse("logging:\n  format: JSON\n", "kleiber.yaml").logging().format())
                .isEqualTo(LogSettings.Format.JSON);
    }

    @Test
    void anUnknownFormatOrKeyNamesTheLineAndWhatIsExpected() {
        assertThatThrownBy(() -> parser.parse("version: 1\nlogging:\n  format: xml\n", "kleiber.yaml"))
                .hasMessageContaining("line 3").hasMessageContaining("'logging.format' must be text or json; found 'xml'");
        assertThatThrownBy(() -> parser.parse("logging:\n  level: debug\n", "kleiber.yaml"))
                .hasMessageContaining("line 2").hasMessageContaining("level");
    }
}
