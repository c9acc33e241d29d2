package dev.warden.cli.reliability.fuzz;

import net.jqwik.api.Example;

/**
 * Bad input for the policy loader: mutated valid policies (the examples, every policy block of
 * docs/policy.md, the corpus), each loaded as the watcher and the CLI load a policy file. Every
 * rejection must be positioned errors with codes, nothing may be thrown, and a policy that loads
 * must decide, lint and build a matrix without failing. About 20 s in CI; {@code
 * -Dreliability.minutes=N} runs it about N minutes.
 */
class PolicyLoaderFuzzIT {

  @Example
  void mutatedPolicies_areLoadedOrRejectedWithPositionedErrors() throws Exception {
    try (LoaderCheck check = new LoaderCheck(Seeds.exampleCatalog(), Seeds.examplePolicy())) {
      LoaderFuzz.run("fuzz-policy-loader", Seeds.policies(), check::policy);
    }
  }
}
