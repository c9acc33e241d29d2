/**
 * The Java client of the broker's API v1, over HTTPS with a client certificate.
 *
 * <p>Start from {@link dev.warden.api.client.BrokerClient#connect}. Every call has a timeout,
 * returns a wire type and reports an error answer as a {@link
 * dev.warden.api.client.ProblemException} carrying the broker's problem detail.
 */
@NullMarked
package dev.warden.api.client;

import org.jspecify.annotations.NullMarked;
