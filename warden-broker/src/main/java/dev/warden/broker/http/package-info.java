/**
 * The broker's HTTPS server: TLS with client certificates, routing of API v1, the watch stream, and
 * the single mapping from failures to RFC 9457 problem details.
 */
@NullMarked
package dev.warden.broker.http;

import org.jspecify.annotations.NullMarked;
