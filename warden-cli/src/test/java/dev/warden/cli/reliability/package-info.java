/**
 * The reliability suite: scenarios that kill, cut and corrupt a real broker and watcher, each run
 * as separate processes, and then check the invariants every run must keep. Run with {@code ./mvnw
 * -Preliability verify}; docs/reliability.md describes each scenario.
 */
@NullMarked
package dev.warden.cli.reliability;

import org.jspecify.annotations.NullMarked;
