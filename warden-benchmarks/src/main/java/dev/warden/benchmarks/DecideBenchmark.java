package dev.warden.benchmarks;

import static dev.warden.benchmarks.ExampleInputs.NOW;
import static dev.warden.benchmarks.ExampleInputs.PENDING;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many pending requests per second one thread decides with the example policy, with and without
 * one custom CEL rule, next to a raw cel-java evaluation of that rule's expression.
 *
 * <p>The raw evaluation is the yardstick that makes figures from different machines comparable: the
 * ratio of a decision to it says what the engine costs beyond CEL itself. Every benchmark returns
 * its result so that JMH consumes it and the JIT cannot drop the work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecideBenchmark {

  private UserState state;
  private PolicyEngine builtIn;
  private PolicyEngine withCel;
  private CelRuntime.Program rawProgram;
  private Map<String, Object> rawActivation;

  @Setup
  public void setUp() throws Exception {
    Catalog catalog = ExampleInputs.catalog();
    state = ExampleInputs.alice(catalog);
    builtIn = new PolicyEngine(ExampleInputs.builtInPolicy());
    withCel = new PolicyEngine(ExampleInputs.policyWithCelRule());
    rawProgram = rawCelProgram();
    rawActivation = rawActivation();

    // Measure the decision the inputs are meant to produce, not an error path.
    requireApprovalWithoutLocks(builtIn.decide(state, PENDING, NOW), 0);
    requireApprovalWithoutLocks(withCel.decide(state, PENDING, NOW), 1);
    if (!Boolean.FALSE.equals(rawProgram.eval(rawActivation))) {
      throw new IllegalStateException("the raw CEL baseline should evaluate to false for alice");
    }
  }

  /** (a) The shipped example policy: built-in rules only. */
  @Benchmark
  public Decision decideBuiltInRules() {
    return builtIn.decide(state, PENDING, NOW);
  }

  /** (b) The example policy plus the on-call custom rule, evaluated by CEL for every decision. */
  @Benchmark
  public Decision decideWithOneCelRule() {
    return withCel.decide(state, PENDING, NOW);
  }

  /** (c) The baseline: cel-java alone evaluating the same expression on a prepared activation. */
  @Benchmark
  public Object rawCelEvaluation() throws CelEvaluationException {
    return rawProgram.eval(rawActivation);
  }

  /** Compiled once, with plain map types: the cheapest honest way to run the expression. */
  private static CelRuntime.Program rawCelProgram() throws Exception {
    CelCompiler compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("user", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
    CelAbstractSyntaxTree ast = compiler.compile(ExampleInputs.ON_CALL_CONDITION).getAst();
    return CelRuntimeFactory.standardCelRuntimeBuilder().build().createProgram(ast);
  }

  /** The values the engine hands the condition for the pending request, built once. */
  private Map<String, Object> rawActivation() {
    Map<String, Object> request =
        Map.of(
            "id", PENDING.value(),
            "user", "alice",
            "roles", List.of(),
            "resources", List.of("node/prod-web-1"),
            "environments", List.of("production"),
            "reason", "deploying the checkout fix for incident 4711",
            "ttlSeconds", 7200L,
            "created", NOW.minusSeconds(30));
    Map<String, Object> user = Map.of("name", "alice", "traits", state.user().traits());
    return Map.of("request", request, "user", user);
  }

  private static void requireApprovalWithoutLocks(Decision decision, int customRules) {
    if (decision.outcome() != Outcome.APPROVE || !decision.locks().isEmpty()) {
      throw new IllegalStateException(
          "the benchmark input should be approved without locks (custom rules: "
              + customRules
              + ") but got: "
              + decision.explanation());
    }
  }
}
