/** The catalog in force: loaded at start, reloaded on SIGHUP, kept when a reload fails. */
@NullMarked
package dev.warden.broker.catalog;

import org.jspecify.annotations.NullMarked;
