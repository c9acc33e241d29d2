/** The {@code warden} command: one subcommand class per verb, wired in {@link Warden}. */
@NullMarked
package dev.warden.cli;

import org.jspecify.annotations.NullMarked;
