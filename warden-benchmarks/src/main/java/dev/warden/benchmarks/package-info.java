/** JMH benchmarks of the policy engine, with a raw CEL evaluation as the yardstick. */
@NullMarked
package dev.warden.benchmarks;

import org.jspecify.annotations.NullMarked;
