package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LoggingTest {

  private static String format(String pattern, Object... parameters) {
    LogRecord record = new LogRecord(Level.INFO, pattern);
    record.setParameters(parameters);
    return Logging.message(record);
  }

  @Test
  void replacesEachNumberedPlaceholderWithItsParameter() {
    assertThat(format("decision user={0} request={1} user again={0}", "alice", "r1"))
        .isEqualTo("decision user=alice request=r1 user again=alice");
  }

  @Test
  void writesNumbersWithoutDigitGroupingAndIgnoresFormatStyles() {
    assertThat(format("version={0} listen={1}:{2,number,#}", 1234567L, "127.0.0.1", 7443))
        .isEqualTo("version=1234567 listen=127.0.0.1:7443");
  }

  @Test
  void keepsQuotesBracesAndUnknownPlaceholdersAsWritten() {
    assertThat(format("can't {x} {} {9} {0", "a")).isEqualTo("can't {x} {} {9} {0");
    assertThat(format("a {0} b", (Object) null)).isEqualTo("a null b");
  }

  @Test
  void leavesAMessageWithoutParametersAlone() {
    LogRecord record = new LogRecord(Level.INFO, "plain {0} text");
    assertThat(Logging.message(record)).isEqualTo("plain {0} text");
  }
}
