/** Where the watcher learns of changes: the broker's watch stream, or polling as a fallback. */
@NullMarked
package dev.warden.watcher.source;

import org.jspecify.annotations.NullMarked;
