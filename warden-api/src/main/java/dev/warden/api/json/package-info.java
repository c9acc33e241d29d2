/**
 * Strict JSON mapping of the API v1 wire types: unknown fields, wrong types and malformed text
 * become a {@link dev.warden.api.json.JsonInputException} naming the field or the position.
 */
@NullMarked
package dev.warden.api.json;

import org.jspecify.annotations.NullMarked;
