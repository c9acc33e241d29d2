package dev.warden.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.groups.Tuple.tuple;

import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.YamlDocument;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of bad policy is rejected with its code, at the exact line and column. */
class PolicyLoaderErrorsTest {

  /** Four lines, so the first rule starts on line 5. */
  private static final String HEADER =
      """
      apiVersion: warden/v1
      kind: Policy
      name: test
      rules:
      """;

  @Test
  void load_invalidYaml_reportsTheSyntaxError() {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
          name: test
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 3, 7, "yaml-syntax");
    assertThat(error.message()).startsWith("not valid YAML");
  }

  @Test
  void load_emptyFile_isRejected() {
    Diagnostic error = onlyError("# nothing here\n");

    assertAt(error, 1, 1, "empty-file");
  }

  @Test
  void load_listAtTheTop_mustBeAMapping() {
    Diagnostic error = onlyError("- name: x\n");

    assertAt(error, 1, 1, "wrong-type");
  }

  @Test
  void load_unknownTopLevelKey_suggestsTheClosest() {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: test
        modes: enforce
        rules: []
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 1, "unknown-key");
    assertThat(error.hint()).startsWith("did you mean 'mode'?");
  }

  @Test
  void load_unknownRuleKey_suggestsTheKeyOfThatRuleType() {
    String text =
        HEADER
            + """
              - name: limit
                type: request-resource-limit
                max: 3
                countRole: true
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 5, "unknown-key");
    assertThat(error.message()).contains("rule 'limit'");
    assertThat(error.hint()).startsWith("did you mean 'countRoles'?");
  }

  @Test
  void load_keyOfAnotherRuleType_isUnknownForThisOne() {
    String text =
        HEADER
            + """
              - name: cap
                type: max-ttl
                max: PT1H
                resolve: deny-new
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 5, "unknown-key");
  }

  @Test
  void load_textWhereANumberBelongs_isAWrongType() {
    String text =
        HEADER
            + """
              - name: limit
                type: request-resource-limit
                max: three
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 10, "wrong-type");
    assertThat(error.message())
        .isEqualTo("max of rule 'limit' must be a whole number, not 'three'");
  }

  @Test
  void load_wordWhereABooleanBelongs_isAWrongType() {
    String text =
        HEADER
            + """
              - name: limit
                type: active-resource-limit
                max: 3
                countRoles: yes
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 17, "wrong-type");
  }

  @Test
  void load_singleEnvironmentWhereAListBelongs_isAWrongType() {
    String text =
        HEADER
            + """
              - name: split
                type: exclusive-environments
                environments: production
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 19, "wrong-type");
  }

  @Test
  void load_rulesAsMapping_isAWrongType() {
    String text = HEADER.replace("rules:\n", "rules: {}\n");

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 8, "wrong-type");
  }

  @Test
  void load_unknownRuleType_suggestsTheClosest() {
    String text =
        HEADER
            + """
              - name: limit
                type: request-resource-limt
                max: 3
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 6, 11, "unknown-rule-type");
    assertThat(error.hint()).startsWith("did you mean 'request-resource-limit'?");
  }

  @Test
  void load_duplicateRuleName_pointsAtTheSecondAndNamesTheFirstsLine() {
    String text =
        HEADER
            + """
              - name: limit
                type: pending-limit
                max: 2
              - name: limit
                type: max-ttl
                max: PT1H
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 11, "duplicate-rule-name");
    assertThat(error.message()).contains("'limit'").contains("the first is at line 5");
  }

  @Test
  void load_durationWithoutIsoFormat_isABadDuration() {
    String text =
        HEADER
            + """
              - name: cap
                type: max-ttl
                max: 8h
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 10, "bad-duration");
    assertThat(error.hint()).contains("PT8H");
  }

  @Test
  void load_badWindow_isABadDuration() {
    String text =
        HEADER
            + """
              - name: budget
                type: approval-rate-limit
                max: 5
                window: one day
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 13, "bad-duration");
  }

  @Test
  void load_zeroDuration_isOutOfRange() {
    String text =
        HEADER
            + """
              - name: cap
                type: max-ttl
                max: PT0S
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 10, "out-of-range");
  }

  @Test
  void load_maxBelowOne_isOutOfRange() {
    String text =
        HEADER
            + """
              - name: no-hoarding
                type: pending-limit
                max: 0
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 10, "out-of-range");
    assertThat(error.message()).isEqualTo("max of rule 'no-hoarding' is 0; it must be at least 1");
  }

  @Test
  void load_minLengthBelowOne_isOutOfRange() {
    String text =
        HEADER
            + """
              - name: reason
                type: require-reason
                minLength: 0
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 16, "out-of-range");
  }

  @Test
  void load_oneExclusiveEnvironment_isTooFew() {
    String text =
        HEADER
            + """
              - name: split
                type: exclusive-environments
                environments: [production]
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 19, "too-few-environments");
    assertThat(error.message()).contains("lists 1 environment;");
  }

  @Test
  void load_exclusiveEnvironmentListedTwice_pointsAtTheRepetition() {
    String text =
        HEADER
            + """
              - name: split
                type: exclusive-environments
                environments: [production, research, production]
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 42, "duplicate-environment");
  }

  @Test
  void load_exclusiveEnvironmentWithoutPatternOrLabel_canNeverMatch() {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: test
        environments:
          patterns: {production: [prod], research: [research]}
        rules:
          - name: split
            type: exclusive-environments
            environments: [production, reserch]
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 9, 32, "unknown-environment");
    assertThat(error.hint()).startsWith("did you mean 'research'?");
  }

  @Test
  void load_otherApiVersion_isRejected() {
    Diagnostic error = onlyError(HEADER.replace("warden/v1", "warden/v2") + "  []\n");

    assertAt(error, 1, 13, "bad-api-version");
    assertThat(error.hint()).isEqualTo("write apiVersion: warden/v1");
  }

  @Test
  void load_otherKind_isRejected() {
    Diagnostic error = onlyError(HEADER.replace("kind: Policy", "kind: Catalog") + "  []\n");

    assertAt(error, 2, 7, "bad-kind");
  }

  @Test
  void load_ruleWithoutItsRequiredKey_pointsAtTheRule() {
    String text =
        HEADER
            + """
              - name: cap
                type: max-ttl
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 5, 5, "missing-key");
    assertThat(error.message()).isEqualTo("rule 'cap' needs the key 'max'");
  }

  @Test
  void load_policyWithoutNameAndRules_reportsBothMissingKeys() {
    String text = "apiVersion: warden/v1\nkind: Policy\n";

    List<Diagnostic> errors = errors(text);

    assertThat(errors)
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code, Diagnostic::message)
        .containsExactlyInAnyOrder(
            tuple(1, 1, "missing-key", "the policy needs the key 'name'"),
            tuple(1, 1, "missing-key", "the policy needs the key 'rules'"));
  }

  @Test
  void load_customRuleWithoutReason_isMissingAKey() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: request.ttlSeconds > 3600
                action: deny
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 5, 5, "missing-key");
    assertThat(error.message()).contains("'reason'");
  }

  @Test
  void load_misspeltChoice_suggestsTheClosestWord() {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: test
        mode: dryrun
        rules: []
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 7, "unknown-value");
    assertThat(error.message()).isEqualTo("mode is 'dryrun'; it must be one of enforce, dry-run");
    assertThat(error.hint()).isEqualTo("did you mean 'dry-run'?");
  }

  @Test
  void load_resolveOfTheOtherRuleType_suggestsThisTypesSpelling() {
    String text =
        HEADER
            + """
              - name: limit
                type: active-resource-limit
                max: 3
                resolve: lock-older
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 8, 14, "unknown-value");
    assertThat(error.hint()).isEqualTo("did you mean 'lock-oldest'?");
  }

  @Test
  void load_ruleNameWithASpace_isABadName() {
    String text =
        HEADER
            + """
              - name: my rule
                type: pending-limit
                max: 1
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 5, 11, "bad-name");
  }

  @Test
  void load_ruleNameTooLongForALockId_isTooLong() {
    String text =
        HEADER
            + """
              - name: %s
                type: pending-limit
                max: 1
            """
                .formatted("r".repeat(PolicyLoader.MAX_RULE_NAME + 1));

    Diagnostic error = onlyError(text);

    assertAt(error, 5, 11, "too-long");
    assertThat(error.hint()).contains("lock ids");
  }

  @Test
  void load_environmentsWithNeitherLabelNorPatterns_isMissingAKey() {
    String text = HEADER.replace("rules:\n", "environments: {}\nrules: []\n");

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 15, "missing-key");
  }

  @Test
  void load_emptyPattern_wouldMatchEverything() {
    String text =
        HEADER.replace("rules:\n", "environments:\n  patterns: {prod: ['']}\nrules: []\n");

    Diagnostic error = onlyError(text);

    assertAt(error, 5, 20, "empty-value");
  }

  @Test
  void load_celSyntaxError_pointsIntoTheExpression() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: request.ttlSeconds >
                action: deny
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 31, "cel-syntax");
    assertThat(error.message()).startsWith("condition of rule 'c': ");
  }

  @Test
  void load_celMisspeltField_isATypeErrorAtTheSelection() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: >-
                  request.ttlSeconds > 3600 &&
                  request.rolez == []
                action: deny
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 9, 14, "cel-type");
    assertThat(error.message()).contains("undefined field 'rolez'");
    assertThat(error.hint()).contains("request has the fields id, user, roles");
  }

  @Test
  void load_celAddingStringToInt_isATypeErrorAtTheOperator() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: request.ttlSeconds + "x" == "a"
                action: escalate
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 30, "cel-type");
    assertThat(error.message()).contains("no matching overload for '_+_'");
  }

  @Test
  void load_celErrorInQuotedScalar_skipsTheQuote() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: 'request.rolez == []'
                action: deny
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 19, "cel-type");
  }

  @Test
  void load_celErrorInLiteralBlock_pointsAtItsLine() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: |
                  request.ttlSeconds > 3600
                    && user.nmae == "bob"
                action: deny
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 9, 16, "cel-type");
  }

  @Test
  void load_celExpressionOfTypeInt_isNotABool() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: request.ttlSeconds
                action: deny
                reason: r
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 11, "cel-not-bool");
    assertThat(error.message()).contains("type int");
  }

  @Test
  void load_moreThanTheMostRules_isTooMany() {
    StringBuilder text = new StringBuilder(HEADER);
    for (int i = 0; i <= PolicyLoader.MAX_RULES; i++) {
      text.append("  - {name: r").append(i).append(", type: pending-limit, max: 1}\n");
    }

    Diagnostic error = onlyError(text.toString());

    assertAt(error, 5, 3, "too-many");
    assertThat(error.message()).contains("1001 rules; the limit is 1000");
  }

  @Test
  void load_theMostRules_loads() throws Exception {
    StringBuilder text = new StringBuilder(HEADER);
    for (int i = 0; i < PolicyLoader.MAX_RULES; i++) {
      text.append("  - {name: r").append(i).append(", type: pending-limit, max: 1}\n");
    }

    Policy policy = PolicyLoader.load("policy.yaml", text.toString());

    assertThat(policy.rules()).hasSize(PolicyLoader.MAX_RULES);
  }

  @Test
  void load_reasonLongerThanTheLimit_isTooLong() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: "true"
                action: deny
                reason: %s
            """
                .formatted("x".repeat(PolicyLoader.MAX_TEXT_BYTES + 1));

    Diagnostic error = onlyError(text);

    assertAt(error, 9, 13, "too-long");
  }

  @Test
  void load_reasonOfFewCharactersButManyBytes_isTooLong() {
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: "true"
                action: deny
                reason: %s
            """
                .formatted("é".repeat(PolicyLoader.MAX_TEXT_BYTES / 2 + 1));

    Diagnostic error = onlyError(text);

    assertAt(error, 9, 13, "too-long");
    assertThat(error.message()).contains("4098 bytes long in UTF-8");
  }

  @Test
  void load_expressionLongerThanTheLimit_isTooLong() {
    String expression = "true" + " && true".repeat(PolicyLoader.MAX_TEXT_BYTES / 8);
    String text =
        HEADER
            + """
              - name: c
                type: custom
                when: %s
                action: deny
                reason: r
            """
                .formatted(expression);

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 11, "too-long");
  }

  @Test
  void load_severalProblems_reportsThemAllInFileOrder() {
    String text =
        """
        apiVersion: warden/v2
        kind: Policy
        name: test
        mode: enforced
        rules:
          - name: a
            type: pending-limit
            max: 0
          - name: a
            type: max-ttl
            max: 8 hours
          - name: c
            type: custom
            when: request.rolez.size() > 1
            action: deny
            reason: r
          - name: d
            type: exclusive
        """;

    List<Diagnostic> errors = errors(text);

    assertThat(errors)
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(
            tuple(1, 13, "bad-api-version"),
            tuple(4, 7, "unknown-value"),
            tuple(8, 10, "out-of-range"),
            tuple(9, 11, "duplicate-rule-name"),
            tuple(11, 10, "bad-duration"),
            tuple(14, 18, "cel-type"),
            tuple(18, 11, "unknown-rule-type"));
  }

  @Test
  void diagnostic_format_isFileLineColumnMessageCodeAndHint() {
    String text = HEADER + "  - {name: c, type: max-ttl, max: 8h}\n";

    Diagnostic error = onlyError(text);

    assertThat(error.format())
        .isEqualTo(
            "policy.yaml:5:35: error: max of rule 'c' '8h' is not an ISO-8601 duration"
                + " [bad-duration]\n  hint: write durations like PT30M, PT8H or P1D");
  }

  /**
   * Found by the bad-input fuzzer: a require-reason rule with a minLength of 441 million loaded,
   * and then the policy matrix, which writes a reason that complies, built a string that long and
   * ran for minutes. No request can carry a reason over 1 KiB, so such a rule is refused.
   */
  @Test
  void load_minLengthBeyondTheLongestReason_isOutOfRange() {
    String text =
        HEADER
            + """
              - name: reason
                type: require-reason
                minLength: 441288029
            """;

    Diagnostic error = onlyError(text);

    assertAt(error, 7, 16, "out-of-range");
    assertThat(error.message()).contains("at most " + Rule.RequireReason.MAX_MIN_LENGTH);
  }

  @Test
  void load_minLengthOfTheLongestReason_isRead() throws Exception {
    String text =
        HEADER
            + """
              - name: reason
                type: require-reason
                minLength: 1024
            """;

    assertThat(PolicyLoader.load("policy.yaml", text).rules())
        .containsExactly(new Rule.RequireReason("reason", 1024));
  }

  /**
   * Found by the bad-input fuzzer: a value nested a few thousand brackets deep overflowed the YAML
   * library's recursive composer, and the loader threw a StackOverflowError instead of an error
   * with a position. The watcher loads its policy on a thread with the default stack, so a policy
   * edit could take it down.
   */
  @Test
  void load_collectionsNestedBeyondTheLimit_areTooDeep() {
    String text = "apiVersion: warden/v1\nmode: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";

    Diagnostic error = onlyError(text);

    assertAt(error, 2, 6 + YamlDocument.MAX_DEPTH, "too-deep");
  }

  @Test
  void load_collectionsNestedToTheLimit_areNotTooDeep() {
    int depth = YamlDocument.MAX_DEPTH - 1;
    String text = "apiVersion: warden/v1\nmode: " + "[".repeat(depth) + "]".repeat(depth) + "\n";

    assertThat(errorsOrNone(text)).extracting(Diagnostic::code).doesNotContain("too-deep");
  }

  /**
   * Found by the bad-input fuzzer: a policy file with a byte that is not UTF-8 was refused by the
   * watcher with the decoder's message ("Input length = 1"), naming neither line nor column.
   */
  @Test
  void loadBytes_notUtf8_isRejectedAtTheByte() {
    byte[] text = "apiVersion: warden/v1\nname: d\u00e9fault\n".getBytes(StandardCharsets.UTF_8);
    byte[] broken = java.util.Arrays.copyOf(text, text.length);
    broken[text.length - 8] = (byte) 0xFF;

    List<Diagnostic> errors;
    try {
      PolicyLoader.loadWithPositions("policy.yaml", broken);
      errors = fail("the policy should have been rejected");
    } catch (InvalidFileException e) {
      errors = e.diagnostics();
    }

    assertThat(errors).hasSize(1);
    assertAt(errors.get(0), 2, 8, "not-utf8");
    assertThat(errors.get(0).message()).contains("0xff");
  }

  private static void assertAt(Diagnostic diagnostic, int line, int column, String code) {
    assertThat(diagnostic)
        .as(diagnostic.format())
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(line, column, code);
  }

  private static Diagnostic onlyError(String text) {
    List<Diagnostic> errors = errors(text);
    assertThat(errors).as("diagnostics").hasSize(1);
    return errors.get(0);
  }

  private static List<Diagnostic> errorsOrNone(String text) {
    try {
      PolicyLoader.load("policy.yaml", text);
      return List.of();
    } catch (InvalidFileException e) {
      return e.diagnostics();
    }
  }

  private static List<Diagnostic> errors(String text) {
    try {
      Policy policy = PolicyLoader.load("policy.yaml", text);
      return fail("the policy should have been rejected, but loaded: " + policy);
    } catch (InvalidFileException e) {
      return e.diagnostics();
    }
  }
}
