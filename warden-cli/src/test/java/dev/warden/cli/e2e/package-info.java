/**
 * End-to-end tests: broker and watcher as separate processes from the shaded jar, over mTLS on
 * loopback, driven through the broker's API and checked against the broker's state, the watcher's
 * endpoints and its decision log.
 */
@NullMarked
package dev.warden.cli.e2e;

import org.jspecify.annotations.NullMarked;
