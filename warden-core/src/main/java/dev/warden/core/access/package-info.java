/** Access requests, the grants they become, the locks that suspend them, and one user's state. */
@NullMarked
package dev.warden.core.access;

import org.jspecify.annotations.NullMarked;
