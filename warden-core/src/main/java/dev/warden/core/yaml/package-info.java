/** Reading YAML documents while keeping the position of every value, for positioned errors. */
@NullMarked
package dev.warden.core.yaml;

import org.jspecify.annotations.NullMarked;
