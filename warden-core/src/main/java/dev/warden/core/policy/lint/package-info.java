/**
 * Lint for policies: findings about rules that load fine but cannot do what their author meant,
 * such as a rule no request can ever match or one that another rule always overrides.
 */
@NullMarked
package dev.warden.core.policy.lint;

import org.jspecify.annotations.NullMarked;
