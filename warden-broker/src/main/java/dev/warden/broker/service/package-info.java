/**
 * What each API call does, independent of HTTP: authorization, validation against the catalog and
 * the limits, the store call, and rendering the answer's wire type.
 */
@NullMarked
package dev.warden.broker.service;

import org.jspecify.annotations.NullMarked;
