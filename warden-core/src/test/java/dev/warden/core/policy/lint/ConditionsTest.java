package dev.warden.core.policy.lint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConditionsTest {

  @Test
  void same_ignoresWhiteSpaceAndEnclosingParentheses() {
    assertThat(Conditions.same("a.b  &&\n c", " ((a.b && c)) ")).isTrue();
  }

  @Test
  void same_keepsWhiteSpaceInsideStringLiterals() {
    assertThat(Conditions.same("x == 'a  b'", "x == 'a b'")).isFalse();
    assertThat(Conditions.same("x == \"a  b\"", "x == \"a b\"")).isFalse();
  }

  @Test
  void same_doesNotStripParenthesesThatCloseEarly() {
    assertThat(Conditions.normal("(a) || (b)")).isEqualTo("(a) || (b)");
  }

  @Test
  void same_withALineComment_comparesTheTrimmedTextOnly() {
    // Collapsing the line end would pull "|| b" into the comment and make these look equal.
    assertThat(Conditions.same("a // note\n|| b", "a // note || b")).isFalse();
  }

  @Test
  void same_withEscapes_comparesTheTrimmedTextOnly() {
    assertThat(Conditions.same("r\"\\\" == \"a  b\"", "r\"\\\" == \"a b\"")).isFalse();
  }

  @Test
  void isTrue_recognisesTheLiteralOnly() {
    assertThat(Conditions.isTrue(" ( true ) ")).isTrue();
    assertThat(Conditions.isTrue("true && x")).isFalse();
    assertThat(Conditions.isTrue("'true'")).isFalse();
  }
}
