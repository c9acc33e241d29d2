/** The watcher's metrics, served in the Prometheus text format. */
@NullMarked
package dev.warden.watcher.metrics;

import org.jspecify.annotations.NullMarked;
