/** The watcher's configuration file and its strict, positioned parsing. */
@NullMarked
package dev.warden.watcher.config;

import org.jspecify.annotations.NullMarked;
