package dev.warden.watcher.reconcile;

import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.Mode;
import dev.warden.core.policy.Policy;
import org.jspecify.annotations.Nullable;

/**
 * The policy in force, swapped whole on reload so that a decision always sees one policy.
 *
 * @param modeOverride the configuration's mode, which wins over the policy's own when set
 */
public final class PolicyHolder {

  /** One policy and its engine, as a unit. */
  public record Active(Policy policy, PolicyEngine engine, Mode mode) {}

  private final @Nullable Mode modeOverride;
  private volatile Active active;

  public PolicyHolder(Policy policy, @Nullable Mode modeOverride) {
    this.modeOverride = modeOverride;
    this.active = activate(policy);
  }

  public Active current() {
    return active;
  }

  /** Puts {@code policy} in force for every decision that starts after this call. */
  public void replace(Policy policy) {
    this.active = activate(policy);
  }

  private Active activate(Policy policy) {
    return new Active(
        policy, new PolicyEngine(policy), modeOverride != null ? modeOverride : policy.mode());
  }
}
