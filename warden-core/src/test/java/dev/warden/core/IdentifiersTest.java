package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  /** The character rule as the documentation states it. */
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]*");

  @Test
  void isSafe_agreesWithTheDocumentedPattern_onMillionsOfStrings() {
    String alphabet = "aZ09._:/@- \t\n#\u00e9\u4e2d+=\"'\\";
    Random random = new Random(3);
    int disagreements = 0;

    for (int i = 0; i < 2_000_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int k = random.nextInt(6); k > 0; k--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String value = text.toString();
      if (Identifiers.isSafe(value) != RULE.matcher(value).matches()) {
        disagreements++;
      }
    }

    assertThat(disagreements).isZero();
  }

  @Test
  void requireSafe_leadingPunctuation_isRefusedNamingTheRule() {
    assertThatThrownBy(() -> Identifiers.requireSafe("role name", "-db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "role name '-db' has characters outside letters, digits and . _ : / @ - (and must"
                + " start with a letter or digit)");
  }
}
