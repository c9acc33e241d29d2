package dev.warden.core.policy.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import dev.warden.core.policy.ConditionInputs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelConditionTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String ON_CALL_RULE =
      "\"production\" in request.environments && !(\"oncall\" in user.traits)";

  @Test
  void test_validExpression_holdsOnlyWhereItsConditionDoes() throws Exception {
    CelCondition condition = compiled(ON_CALL_RULE);
    ConditionInput offCall = input(request("production"), user(Map.of("team", List.of("sre"))));
    ConditionInput onCall = input(request("production"), user(Map.of("oncall", List.of("yes"))));
    ConditionInput research = input(request("research"), user(Map.of()));

    boolean offCallHolds = condition.test(offCall);
    boolean onCallHolds = condition.test(onCall);
    boolean researchHolds = condition.test(research);

    assertThat(offCallHolds).isTrue();
    assertThat(onCallHolds).isFalse();
    assertThat(researchHolds).isFalse();
  }

  @Test
  void test_missingTraitIndexed_throwsInsteadOfAnsweringFalse() {
    CelCondition condition = compiled("user.traits[\"oncall\"][0] == \"true\"");
    ConditionInput input = input(request("production"), user(Map.of("team", List.of("sre"))));

    assertThatThrownBy(() -> condition.test(input))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("could not be evaluated")
        .hasMessageContaining("oncall");
  }

  @Test
  void test_missingTraitSelected_throws() {
    CelCondition condition = compiled("user.traits.oncall == [\"true\"]");
    ConditionInput input = input(request("production"), user(Map.of()));

    assertThatThrownBy(() -> condition.test(input))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("oncall");
  }

  @Test
  void test_presenceTestOfMissingTrait_isFalse() throws Exception {
    CelCondition condition = compiled("has(user.traits.oncall)");

    boolean holds = condition.test(input(request("production"), user(Map.of())));

    assertThat(holds).isFalse();
  }

  @Test
  void test_timestampArithmetic_comparesWithNow() throws Exception {
    CelCondition condition = compiled("now - request.created > duration(\"30m\")");
    Map<String, Object> old = new HashMap<>(request("production"));
    old.put("created", NOW.minus(Duration.ofHours(1)));
    Map<String, Object> fresh = new HashMap<>(request("production"));
    fresh.put("created", NOW.minus(Duration.ofMinutes(5)));

    boolean oldHolds = condition.test(input(old, user(Map.of())));
    boolean freshHolds = condition.test(input(fresh, user(Map.of())));

    assertThat(oldHolds).isTrue();
    assertThat(freshHolds).isFalse();
  }

  @Test
  void test_activeGrants_canBeSearched() throws Exception {
    CelCondition condition =
        compiled("active.exists(g, \"research\" in g.environments) && request.ttlSeconds > 60");
    ConditionInput input =
        new ConditionInput(
            request("production"),
            user(Map.of()),
            List.of(request("production"), request("research")),
            NOW);

    boolean holds = condition.test(input);

    assertThat(holds).isTrue();
  }

  @Test
  void test_integersAndSetsInTheInput_areAdaptedToCelTypes() throws Exception {
    CelCondition condition =
        compiled("request.ttlSeconds == 3600 && \"production\" in request.environments");
    Map<String, Object> request = new HashMap<>(request("production"));
    request.put("ttlSeconds", 3600);
    request.put("environments", new LinkedHashSet<>(List.of("production")));

    boolean holds = condition.test(input(request, user(Map.of())));

    assertThat(holds).isTrue();
  }

  @Test
  void test_inputOfAJavaTypeCelCannotRead_throwsNamingTheField() {
    CelCondition condition = compiled("request.ttlSeconds > 60");
    Map<String, Object> request = new HashMap<>(request("production"));
    request.put("ttlSeconds", Duration.ofHours(1));

    assertThatThrownBy(() -> condition.test(input(request, user(Map.of()))))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("request.ttlSeconds is a java.time.Duration");
  }

  @Test
  void test_variableTheExpressionDoesNotRead_isNotChecked() throws Exception {
    CelCondition condition = compiled("request.ttlSeconds > 60");
    Map<String, Object> broken = Map.of("ttlSeconds", "soon");
    ConditionInput input =
        new ConditionInput(request("production"), user(Map.of()), List.of(broken), NOW);

    boolean holds = condition.test(input);

    assertThat(holds).isTrue();
  }

  @Test
  void test_overflow_throws() {
    CelCondition condition = compiled("request.ttlSeconds * 9223372036854775807 > 0");

    assertThatThrownBy(() -> condition.test(input(request("production"), user(Map.of()))))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("overflow");
  }

  @Test
  void test_nestedComprehensionsPastTheBudget_throws() {
    CelCondition condition = compiled("active.exists(a, active.exists(b, a.id == b.reason))");
    List<Map<String, Object>> active = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      active.add(request("production"));
    }
    ConditionInput input = new ConditionInput(request("production"), user(Map.of()), active, NOW);

    assertThatThrownBy(() -> condition.test(input))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("budget")
        .hasMessageContaining(String.valueOf(CelConditionCompiler.MAX_ITERATIONS));
  }

  @Test
  void test_nestedComprehensionsWithinTheBudget_evaluate() throws Exception {
    CelCondition condition = compiled("active.exists(a, active.exists(b, a.id == b.reason))");
    List<Map<String, Object>> active = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      active.add(request("production"));
    }
    ConditionInput input = new ConditionInput(request("production"), user(Map.of()), active, NOW);

    boolean holds = condition.test(input);

    assertThat(holds).isFalse();
  }

  @Test
  void test_inputBuiltFromDomainValues_readsAsDeclared() throws Exception {
    AccessRequest pending =
        AccessRequest.pending(
            RequestId.of("r-7"),
            UserName.of("alice"),
            List.of(RoleName.of("prod-db")),
            List.of(ResourceId.of("db/prod-orders")),
            "rotate the orders database password",
            Duration.ofHours(2),
            NOW.minusSeconds(30));
    User alice = new User(UserName.of("alice"), Map.of("team", List.of("sre")));
    CelCondition condition =
        compiled(
            "request.id == \"r-7\" && request.user == user.name && request.roles == [\"prod-db\"]"
                + " && request.resources == [\"db/prod-orders\"] && request.ttlSeconds == 7200"
                + " && request.reason.startsWith(\"rotate\") && request.created < now"
                + " && request.environments == [\"production\"] && user.traits.team == [\"sre\"]");
    ConditionInput input =
        new ConditionInput(
            ConditionInputs.request(pending, List.of("production")),
            ConditionInputs.user(alice),
            List.of(),
            NOW);

    boolean holds = condition.test(input);

    assertThat(holds).isTrue();
  }

  @Test
  void compile_syntaxError_isRejectedAtItsColumn() {
    CelProblem problem = onlyProblem("request.ttlSeconds >");

    assertThat(problem.code()).isEqualTo("cel-syntax");
    assertThat(problem.line()).isEqualTo(1);
    assertThat(problem.column()).isEqualTo(21);
  }

  @Test
  void compile_misspeltField_isATypeErrorAtTheSelection() {
    CelProblem problem = onlyProblem("request.rolez == []");

    assertThat(problem.code()).isEqualTo("cel-type");
    assertThat(problem.message()).isEqualTo("undefined field 'rolez'");
    assertThat(problem.line()).isEqualTo(1);
    assertThat(problem.column()).isEqualTo(8);
  }

  @Test
  void compile_stringAddedToInt_isATypeErrorAtTheOperator() {
    CelProblem problem = onlyProblem("request.ttlSeconds + \"x\" == \"a\"");

    assertThat(problem.code()).isEqualTo("cel-type");
    assertThat(problem.column()).isEqualTo(20);
  }

  @Test
  void compile_traitsUsedAsAString_isATypeError() {
    CelProblem problem = onlyProblem("user.traits.team == \"sre\"");

    assertThat(problem.code()).isEqualTo("cel-type");
  }

  @Test
  void compile_undeclaredVariable_isATypeError() {
    CelProblem problem = onlyProblem("requests.size() > 0");

    assertThat(problem.code()).isEqualTo("cel-type");
    assertThat(problem.message()).contains("undeclared reference to 'requests'");
  }

  @Test
  void compile_intResult_isNotABool() {
    CelProblem problem = onlyProblem("request.ttlSeconds");

    assertThat(problem.code()).isEqualTo("cel-not-bool");
    assertThat(problem.positioned()).isFalse();
  }

  @Test
  void compile_dynResult_isNotABool() {
    CelProblem problem = onlyProblem("dyn(request.ttlSeconds)");

    assertThat(problem.code()).isEqualTo("cel-not-bool");
    assertThat(problem.message()).contains("type dyn");
  }

  @Test
  void compile_structConstruction_isUnsupported() {
    CelProblem problem = onlyProblem("warden.Request{id: \"x\"}.id == \"x\"");

    assertThat(problem.code()).isEqualTo("cel-unsupported");
    assertThat(problem.column()).isEqualTo(15);
  }

  @Test
  void compile_errorOnSecondLine_countsLinesFromOne() {
    CelProblem problem = onlyProblem("request.ttlSeconds > 60 &&\n  user.nmae == \"x\"");

    assertThat(problem.line()).isEqualTo(2);
    assertThat(problem.column()).isEqualTo(7);
  }

  private static CelCondition compiled(String expression) {
    return switch (CelConditionCompiler.standard().compile(expression)) {
      case CelConditionCompiler.Compiled compiled -> compiled.condition();
      case CelConditionCompiler.Rejected rejected ->
          fail("'" + expression + "' should compile: " + rejected.problems());
    };
  }

  private static CelProblem onlyProblem(String expression) {
    return switch (CelConditionCompiler.standard().compile(expression)) {
      case CelConditionCompiler.Compiled compiled ->
          fail("'" + expression + "' should not compile");
      case CelConditionCompiler.Rejected rejected -> {
        assertThat(rejected.problems()).hasSize(1);
        yield rejected.problems().get(0);
      }
    };
  }

  private static ConditionInput input(Map<String, Object> request, Map<String, Object> user) {
    return new ConditionInput(request, user, List.of(), NOW);
  }

  private static Map<String, Object> request(String environment) {
    return Map.of(
        "id",
        "r-1",
        "user",
        "bob",
        "roles",
        List.of(environment + "-role"),
        "resources",
        List.of(),
        "environments",
        List.of(environment),
        "reason",
        "looking into an incident",
        "ttlSeconds",
        3600L,
        "created",
        NOW.minusSeconds(10));
  }

  private static Map<String, Object> user(Map<String, List<String>> traits) {
    return Map.of("name", "bob", "traits", traits);
  }
}
