/**
 * {@code warden bench}: broker and watcher started as separate processes, an open-loop load of
 * simulated users, end-to-end decision latency, resource use, and a check of every decision against
 * {@code decide}.
 */
@NullMarked
package dev.warden.cli.bench;

import org.jspecify.annotations.NullMarked;
