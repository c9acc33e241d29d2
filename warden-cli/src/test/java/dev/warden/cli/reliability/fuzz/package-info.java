/**
 * Scenario 7 of the reliability suite, bad input: seeded, time-bounded fuzzing of the broker's API
 * over real mTLS, of the client's watch stream reader over a real socket, and of the policy and
 * catalog loaders, each checked against the invariants its documentation promises. Inputs that ever
 * broke one live in {@code src/test/resources/fuzz-corpus/} and are replayed by {@link
 * dev.warden.cli.reliability.fuzz.FuzzCorpusTest} on every build.
 */
@NullMarked
package dev.warden.cli.reliability.fuzz;

import org.jspecify.annotations.NullMarked;
