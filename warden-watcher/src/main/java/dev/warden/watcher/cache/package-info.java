/** The watcher's informer cache: what the access plane holds, kept current by its events. */
@NullMarked
package dev.warden.watcher.cache;

import org.jspecify.annotations.NullMarked;
