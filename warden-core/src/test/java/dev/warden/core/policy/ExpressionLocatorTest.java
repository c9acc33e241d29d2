package dev.warden.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.yaml.Position;
import org.junit.jupiter.api.Test;

class ExpressionLocatorTest {

  @Test
  void locate_plainScalar_offsetsFromTheValue() {
    String file = "when: a == b\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a == b", 1, 6);

    assertThat(at).isEqualTo(new Position(1, 12));
  }

  @Test
  void locate_endOfExpression_isJustAfterItsLastCharacter() {
    String file = "when: a >   # a comment\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a >", 1, 4);

    assertThat(at).isEqualTo(new Position(1, 10));
  }

  @Test
  void locate_singleQuotedScalar_skipsTheQuote() {
    String file = "when: 'a == b'\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a == b", 1, 6);

    assertThat(at).isEqualTo(new Position(1, 13));
  }

  @Test
  void locate_escapeBeforeTheTarget_fallsBackToTheValueStart() {
    String file = "when: \"\\x41 == b\"\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "A == b", 1, 6);

    assertThat(at).isEqualTo(new Position(1, 7));
  }

  @Test
  void locate_escapeAfterTheTarget_isStillExact() {
    String file = "when: \"b == \\x41\"\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "b == A", 1, 3);

    assertThat(at).isEqualTo(new Position(1, 10));
  }

  @Test
  void locate_foldedBlock_mapsEachFoldedLineBack() {
    String file = "    when: >-\n      first &&\n      second\n    action: deny\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position first = locator.locate(new Position(1, 11), "first && second", 1, 7);
    Position second = locator.locate(new Position(1, 11), "first && second", 1, 10);

    assertThat(first).isEqualTo(new Position(2, 13));
    assertThat(second).isEqualTo(new Position(3, 7));
  }

  @Test
  void locate_foldedBlockWithAMoreIndentedLine_keepsItsLineBreak() {
    String file = "    when: >-\n      first &&\n        second\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 11), "first &&\n  second", 2, 3);

    assertThat(at).isEqualTo(new Position(3, 9));
  }

  @Test
  void locate_literalBlock_keepsLinesAndIndentation() {
    String file = "when: |\n  a &&\n    b\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a &&\n  b\n", 2, 3);

    assertThat(at).isEqualTo(new Position(3, 5));
  }

  @Test
  void locate_multiLinePlainScalar_stripsContinuationIndentation() {
    String file = "when: a &&\n   b\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a && b", 1, 6);

    assertThat(at).isEqualTo(new Position(2, 4));
  }

  @Test
  void locate_columnPastTheExpression_fallsBackToTheValueStart() {
    String file = "when: a\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "a", 3, 1);

    assertThat(at).isEqualTo(new Position(1, 7));
  }

  @Test
  void locate_nonAsciiBeforeTheTarget_countsCodePoints() {
    String file = "when: x == '\uD83D\uDE00' && y\n";
    ExpressionLocator locator = new ExpressionLocator(file);

    Position at = locator.locate(new Position(1, 7), "x == '\uD83D\uDE00' && y", 1, 13);

    assertThat(at).isEqualTo(new Position(1, 19));
  }
}
