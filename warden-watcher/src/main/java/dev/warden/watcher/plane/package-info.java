/**
 * The seam between the watcher and the access plane it governs. Warden's broker is one access
 * plane; another one attaches by implementing {@link dev.warden.watcher.plane.AccessPlane}.
 */
@NullMarked
package dev.warden.watcher.plane;

import org.jspecify.annotations.NullMarked;
