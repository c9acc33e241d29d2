/**
 * The wire types of the broker's API v1: what its JSON bodies hold, field for field.
 *
 * <p>Field names here are the contract; the JSON mapping in {@code dev.warden.api.json} writes them
 * unchanged. Typed ids from the core are used wherever the API carries one.
 */
@NullMarked
package dev.warden.api.v1;

import org.jspecify.annotations.NullMarked;
