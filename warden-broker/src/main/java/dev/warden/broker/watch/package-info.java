/**
 * The in-process change feed: it learns of each commit from the store, reads the new changes once
 * for every watch stream, and keeps the locks in force in memory.
 */
@NullMarked
package dev.warden.broker.watch;

import org.jspecify.annotations.NullMarked;
