package dev.warden.core.cases;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.decision.RuleError;
import dev.warden.core.decision.RuleMatch;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Runs test cases through {@code decide} and compares each decision with its expectation. */
public final class CaseRunner {

  private CaseRunner() {}

  /** Decides one case with {@code engine} over {@code catalog} and checks the expectation. */
  public static CaseResult run(PolicyEngine engine, Catalog catalog, PolicyCase testCase) {
    List<AccessRequest> requests = new ArrayList<>(testCase.given());
    if (testCase.request() != null) {
      requests.add(testCase.request());
    }
    UserState state =
        new UserState(catalog.userOrUnlisted(testCase.user()), requests, testCase.locks(), catalog);
    Decision decision =
        testCase.request() == null
            ? engine.decide(state, testCase.now())
            : engine.decide(state, testCase.request().id(), testCase.now());

    List<String> rules = rules(decision);
    List<String> locks = locks(decision);
    return new CaseResult(
        testCase, decision, rules, locks, mismatches(testCase.expect(), decision, rules, locks));
  }

  private static List<String> mismatches(
      Expectation expect, Decision decision, List<String> rules, List<String> locks) {
    List<String> mismatches = new ArrayList<>();
    if (expect.outcome() != decision.outcome()) {
      mismatches.add("outcome is " + decision.outcome() + ", not " + expect.outcome());
    }
    if (expect.rules() != null) {
      List<String> missing = new ArrayList<>(expect.rules());
      missing.removeAll(rules);
      if (!missing.isEmpty()) {
        mismatches.add("rules " + missing + " did not match");
      }
    }
    if (expect.locks() != null && !new TreeSet<>(expect.locks()).equals(new TreeSet<>(locks))) {
      mismatches.add("locks are " + locks + ", not " + expect.locks());
    }
    return mismatches;
  }

  private static List<String> rules(Decision decision) {
    Set<String> names = new LinkedHashSet<>();
    for (RuleMatch match : decision.matches()) {
      names.add(match.rule());
    }
    for (RuleError error : decision.errors()) {
      names.add(error.rule());
    }
    return List.copyOf(names);
  }

  private static List<String> locks(Decision decision) {
    List<String> locks = new ArrayList<>();
    for (Action.Lock lock : decision.locks()) {
      locks.add(
          lock.target() instanceof LockTarget.Request request
              ? request.id().value()
              : lock.target().kind() + ":" + lock.target().value());
    }
    return locks;
  }
}
