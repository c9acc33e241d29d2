/** The policy language: the parsed form of a policy file and its rules. */
@NullMarked
package dev.warden.core.policy;

import org.jspecify.annotations.NullMarked;
