package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  /** The rule as it is documented; the hand-written check must agree with it everywhere. */
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]*");

  @Property(tries = 2000)
  void isSafe_agreesWithTheDocumentedPattern(@ForAll("nearlySafe") String value) {
    boolean expected = value.length() <= Identifiers.MAX_LENGTH && RULE.matcher(value).matches();

    boolean safe = Identifiers.isSafe(value);

    assertThat(safe).as("'%s'", value).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> nearlySafe() {
    // Mostly allowed characters, with a few of their neighbours in ASCII and beyond.
    return Arbitraries.strings()
        .withChars("aZ09._:/@-")
        .withCharRange('a', 'z')
        .withChars(" !+`{~\u00e9\u0130\u212a\n")
        .ofMinLength(0)
        .ofMaxLength(12);
  }

  @Test
  void requireSafe_whenFirstCharacterIsPunctuation_namesTheValueAndTheRule() {
    assertThatThrownBy(() -> Identifiers.requireSafe("role name", "-prod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role name '-prod'")
        .hasMessageContaining("must start with a letter or digit");
  }

  @Test
  void requireSafe_acceptsEveryAllowedCharacter() {
    String value = "r-1.a_b:c/d@e";

    String checked = Identifiers.requireSafe("request id", value);

    assertThat(checked).isSameAs(value);
  }
}
