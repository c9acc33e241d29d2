package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.decision.RuleMatch;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its inputs still give the decisions it claims to measure. */
class DecideBenchmarkTest {

  @Test
  void everyBenchmark_measuresAnApprovalWithoutLocks_andTheBaselineGivesTheRulesAnswer()
      throws Exception {
    DecideBenchmark benchmark = new DecideBenchmark();

    benchmark.setUp();

    Decision builtIn = benchmark.decideBuiltInRules();
    assertThat(builtIn.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(builtIn.before().active()).hasSize(10);
    assertThat(builtIn.locks()).isEmpty();
    assertThat(benchmark.decideWithOneCelRule().outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(benchmark.rawCelEvaluation()).isEqualTo(false);
  }

  @Test
  void theCelRule_deniesTheSameRequestFromSomeoneNotOnCall() {
    Catalog catalog = ExampleInputs.catalog();
    UserState bob = ExampleInputs.state(catalog, UserName.of("bob"));

    Decision withRule =
        new PolicyEngine(ExampleInputs.policyWithCelRule())
            .decide(bob, ExampleInputs.PENDING, ExampleInputs.NOW);
    Decision builtInOnly =
        new PolicyEngine(ExampleInputs.builtInPolicy())
            .decide(bob, ExampleInputs.PENDING, ExampleInputs.NOW);

    assertThat(withRule.outcome()).isEqualTo(Outcome.DENY);
    assertThat(withRule.matches())
        .extracting(RuleMatch::rule)
        .containsExactly("production-needs-on-call");
    assertThat(builtInOnly.outcome()).isEqualTo(Outcome.APPROVE);
  }
}
