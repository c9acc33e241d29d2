package dev.warden.core.policy.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Compiles custom-rule conditions: parses, type-checks against the declared variables, and plans
 * the program once, so evaluating it later does no parsing, checking or reflection.
 *
 * <p>The variables are {@code request} and each element of {@code active} (fields {@code id, user,
 * roles, resources, environments, reason, ttlSeconds, created}), {@code user} ({@code name,
 * traits}) and {@code now} (a timestamp). Every field is typed, so {@code request.rolez} and {@code
 * request.ttlSeconds + "x"} fail here rather than at decision time; only {@code dyn(...)}, which a
 * policy author must write on purpose, escapes the checker.
 *
 * <p>Cost is bounded because a watcher evaluates conditions for every decision:
 *
 * <ul>
 *   <li>expressions are at most {@value #MAX_EXPRESSION_CODE_POINTS} code points and nest at most
 *       {@value #MAX_NESTING} levels, so the parser's recursion stays small;
 *   <li>one evaluation may run at most {@value #MAX_ITERATIONS} comprehension iterations in total
 *       ({@code all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter}), nested ones
 *       included; past that it fails with a {@link dev.warden.core.policy.ConditionException}. CEL
 *       has no loops or recursion besides these macros, so this bounds the work;
 *   <li>regular expressions use RE2 (linear time) and may compile to at most {@value
 *       #MAX_REGEX_PROGRAM_SIZE} instructions.
 * </ul>
 *
 * <p>Constructing struct values ({@code warden.Request{...}}) is refused: the runtime holds the
 * structs as maps and could not build one.
 */
public final class CelConditionCompiler {

  public static final int MAX_EXPRESSION_CODE_POINTS = 4096;
  public static final int MAX_NESTING = 64;
  public static final int MAX_ITERATIONS = 10_000;
  public static final int MAX_REGEX_PROGRAM_SIZE = 1_000;

  private static final Set<String> VARIABLES = Set.of("request", "user", "active", "now");

  private static final CelConditionCompiler STANDARD = new CelConditionCompiler();

  private final CelCompiler compiler;
  private final CelRuntime runtime;

  private CelConditionCompiler() {
    CelOptions options =
        CelOptions.current()
            .maxExpressionCodePointSize(MAX_EXPRESSION_CODE_POINTS)
            .maxParseRecursionDepth(MAX_NESTING)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxRegexProgramSize(MAX_REGEX_PROGRAM_SIZE)
            .build();
    this.compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(ConditionSchema.TYPES)
            .addVar("request", ConditionSchema.REQUEST)
            .addVar("user", ConditionSchema.USER)
            .addVar("active", ConditionSchema.ACTIVE)
            .addVar("now", SimpleType.TIMESTAMP)
            .build();
    this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
  }

  /** The compiler for Warden's condition variables. Thread-safe; building one takes a while. */
  public static CelConditionCompiler standard() {
    return STANDARD;
  }

  /** The outcome of compiling one expression. */
  public sealed interface Result permits Compiled, Rejected {}

  /** The expression compiled. */
  public record Compiled(CelCondition condition) implements Result {}

  /** The expression does not compile; {@code problems} is never empty. */
  public record Rejected(List<CelProblem> problems) implements Result {
    public Rejected {
      problems = List.copyOf(problems);
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("a rejected expression needs at least one problem");
      }
    }
  }

  /** Compiles {@code expression}, which must give a bool. */
  public Result compile(String expression) {
    CelValidationResult parsed = compiler.parse(expression);
    if (parsed.hasError()) {
      return new Rejected(problems(parsed, "cel-syntax", null));
    }

    CelValidationResult checked = compiler.check(ast(parsed));
    if (checked.hasError()) {
      return new Rejected(problems(checked, "cel-type", ConditionSchema.SUMMARY));
    }
    CelAbstractSyntaxTree ast = ast(checked);

    Optional<CelProblem> unfit = notBool(ast).or(() -> structCreation(ast));
    if (unfit.isPresent()) {
      return new Rejected(List.of(unfit.get()));
    }

    try {
      return new Compiled(new CelCondition(expression, runtime.createProgram(ast), variables(ast)));
    } catch (CelEvaluationException e) {
      return new Rejected(
          List.of(new CelProblem("cel-unsupported", String.valueOf(e.getMessage()), null, 0, 0)));
    }
  }

  private static CelAbstractSyntaxTree ast(CelValidationResult result) {
    try {
      return result.getAst();
    } catch (CelValidationException e) {
      throw new IllegalStateException("bug: CEL result without errors has no AST", e);
    }
  }

  private static List<CelProblem> problems(
      CelValidationResult result, String code, @Nullable String hint) {
    return result.getErrors().stream().map(issue -> problem(issue, code, hint)).toList();
  }

  private static CelProblem problem(CelIssue issue, String code, @Nullable String hint) {
    CelSourceLocation location = issue.getSourceLocation();
    if (location.equals(CelSourceLocation.NONE) || location.getLine() < 1) {
      return new CelProblem(code, issue.getMessage(), hint, 0, 0);
    }
    // CEL counts lines from 1 and columns from 0.
    return new CelProblem(
        code, issue.getMessage(), hint, location.getLine(), location.getColumn() + 1);
  }

  private static Optional<CelProblem> notBool(CelAbstractSyntaxTree ast) {
    if (ast.getResultType().equals(SimpleType.BOOL)) {
      return Optional.empty();
    }
    return Optional.of(
        new CelProblem(
            "cel-not-bool",
            "the condition gives a value of type "
                + ast.getResultType().name()
                + "; it must give a bool",
            "write a comparison or a test, such as request.ttlSeconds > 3600",
            0,
            0));
  }

  private static Optional<CelProblem> structCreation(CelAbstractSyntaxTree ast) {
    Optional<CelNavigableExpr> struct =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.STRUCT)
            .findFirst();
    return struct.map(
        node -> {
          Optional<CelSourceLocation> location =
              Optional.ofNullable(ast.getSource().getPositionsMap().get(node.id()))
                  .flatMap(offset -> ast.getSource().getOffsetLocation(offset));
          return new CelProblem(
              "cel-unsupported",
              "a condition cannot construct " + node.expr().struct().messageName() + " values",
              "read the fields of request, user and active instead",
              location.map(CelSourceLocation::getLine).orElse(0),
              location.map(l -> l.getColumn() + 1).orElse(0));
        });
  }

  /** The declared variables the expression reads; comprehension variables are not references. */
  private static Set<String> variables(CelAbstractSyntaxTree ast) {
    return ast.getReferenceMap().values().stream()
        .map(CelReference::name)
        .filter(VARIABLES::contains)
        .collect(Collectors.toUnmodifiableSet());
  }
}
