/** The catalog: the roles, resources and users an access plane knows, with their labels. */
@NullMarked
package dev.warden.core.catalog;

import org.jspecify.annotations.NullMarked;
