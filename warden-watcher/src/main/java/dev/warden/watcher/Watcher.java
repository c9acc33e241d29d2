package dev.warden.watcher;

import dev.warden.api.v1.WhoAmI;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.policy.Policy;
import dev.warden.watcher.cache.AccessCache;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.log.CheckpointSigner;
import dev.warden.watcher.log.CorruptLogException;
import dev.warden.watcher.log.DecisionEntry;
import dev.warden.watcher.log.DecisionLog;
import dev.warden.watcher.log.LogUnavailableException;
import dev.warden.watcher.log.OpenIntent;
import dev.warden.watcher.metrics.Metrics;
import dev.warden.watcher.metrics.WatcherMetrics;
import dev.warden.watcher.plane.AccessPlane;
import dev.warden.watcher.plane.BrokerPlane;
import dev.warden.watcher.reconcile.PolicyHolder;
import dev.warden.watcher.reconcile.Reconciler;
import dev.warden.watcher.reconcile.Shadow;
import dev.warden.watcher.reconcile.UserQueue;
import dev.warden.watcher.source.ChangeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The running watcher: change source, cache, per-user queue, reconciler, decision log, status
 * endpoints and policy reloads, started together and stopped in order.
 *
 * <p>Before it acts, the watcher asks the broker what its identity may do ({@code GET /v1/whoami})
 * and compares that with exactly what it needs ({@link ScopeCheck}): a missing permission refuses
 * the start, and so does an extra one unless the configuration allows a broader identity. The check
 * is made again whenever a renewed certificate appears on disk; a renewed identity that no longer
 * fits stops the watcher from acting. When the broker cannot be reached at start, the watcher
 * starts but takes no event until the check has passed.
 */
public final class Watcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Watcher.class.getName());

  /**
   * Users reconciled at once. A reconciliation spends most of its time waiting, first for the
   * decision log's flush and then for the broker's commit of the review, so the workers bound
   * throughput long before the CPU does: with 8, a saturated watcher on two cores made about 540
   * decisions a second with CPU to spare (each run takes about 15 ms, and 8 / 15 ms is 540). More
   * workers also let more reviews and records share one flush. And a broker call that hangs until
   * its timeout holds back a worker, so more of them keep a few stuck users from stalling the rest.
   */
  private static final int WORKERS = 64;

  private static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration IDENTITY_CHECK = Duration.ofMillis(500);

  private final WatcherConfig config;
  private final Clock clock;
  private final Metrics metrics = new Metrics();
  private final PolicyHolder policies;
  private final IdentitySource identity;
  private final DecisionLog log;
  private final AccessCache cache = new AccessCache();
  private final AtomicReference<Catalog> catalog = new AtomicReference<>(Catalog.empty());
  private final UserQueue queue;
  private final ChangeSource source;
  private final Thread sourceThread;
  private final Thread policyWatch;
  private final Thread identityWatch;
  private final BrokerPlane plane;
  private final StatusServer status;
  private final @Nullable Shadow shadow;
  private volatile boolean closed;
  private volatile @Nullable FileTime policyModified;
  private volatile boolean sourceStarted;
  private volatile @Nullable String scopeRefusal;
  private volatile int excessPermissions;
  private @Nullable String reportedProblemFor;

  /** The watcher could not start; the message says why, ready for the operator. */
  public static final class StartupException extends Exception {
    public StartupException(String message) {
      super(message);
    }
  }

  private Watcher(WatcherConfig config, Clock clock, Policy policy, @Nullable Policy shadowPolicy)
      throws StartupException {
    this.config = config;
    this.clock = clock;
    this.policies = new PolicyHolder(policy, config.mode());
    this.policyModified = modified(config.policy());
    try {
      this.identity = new IdentitySource(config.broker(), config.identity());
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot load the watcher's identity from " + config.identity() + ": " + e.getMessage());
    }
    this.log = openLog(config.decisionLog(), clock);
    log.signCheckpoints(
        CheckpointSigner.of(identity::privateKey, identity::actor),
        DecisionLog.DEFAULT_CHECKPOINT_EVERY);
    closeOpenIntents(log, identity.actor());
    log.onFsync(
        nanos ->
            metrics.observe(
                WatcherMetrics.LOG_FSYNC,
                "Time to force decision log" + " records to disk.",
                WatcherMetrics.FSYNC_BUCKETS,
                nanos / 1e9));

    this.plane = new BrokerPlane(identity::client);
    this.shadow =
        shadowPolicy == null ? null : new Shadow(shadowPolicy, log, metrics, identity::actor);
    Reconciler reconciler =
        new Reconciler(
            cache, catalog::get, policies, log, plane, clock, identity::actor, metrics, shadow);
    this.queue = new UserQueue(WORKERS, reconciler::reconcile);
    this.source =
        new ChangeSource(
            plane, cache, queue, catalog::set, config, clock, metrics, identity::currentSerial);
    registerGauges();
    try {
      this.status = new StatusServer(config.listen(), this::notReady, metrics);
    } catch (IOException e) {
      closeQuietly();
      throw new StartupException(
          "cannot serve status endpoints on " + config.listen() + ": " + e.getMessage());
    }
    this.sourceThread = Thread.ofPlatform().name("warden-source").daemon().unstarted(source);
    this.policyWatch =
        Thread.ofPlatform().name("warden-policy-watch").daemon().unstarted(this::watchPolicy);
    this.identityWatch =
        Thread.ofPlatform().name("warden-identity-watch").daemon().unstarted(this::watchIdentity);
  }

  /**
   * Starts a watcher.
   *
   * @throws StartupException when the policy is invalid, the identity or decision log cannot be
   *     used, the identity's permissions are not exactly what the watcher needs (or broader, when
   *     the configuration allows that), or the status port cannot be bound; the message says which
   *     and why
   */
  public static Watcher start(WatcherConfig config, Clock clock) throws StartupException {
    Policy policy;
    try {
      policy = PolicyFile.load(config.policy());
    } catch (PolicyFile.InvalidPolicyException e) {
      throw new StartupException(e.getMessage());
    }
    Policy shadowPolicy = null;
    if (config.shadowPolicy() != null) {
      try {
        shadowPolicy = PolicyFile.load(config.shadowPolicy());
      } catch (PolicyFile.InvalidPolicyException e) {
        throw new StartupException("the shadow policy cannot be used: " + e.getMessage());
      }
    }
    Watcher watcher = new Watcher(config, clock, policy, shadowPolicy);
    watcher.logStart(policy);
    // The configured port may be 0; this line says which one was bound.
    LOG.log(
        System.Logger.Level.INFO,
        "status endpoints listening: address={0}:{1} paths=/healthz,/readyz,/metrics",
        config.listen().getHostString(),
        Integer.toString(watcher.statusPort()));
    try {
      watcher.checkScopeAtStart();
    } catch (StartupException e) {
      watcher.close();
      throw e;
    }
    watcher.policyWatch.start();
    watcher.identityWatch.start();
    return watcher;
  }

  private static DecisionLog openLog(Path file, Clock clock) throws StartupException {
    try {
      DecisionLog log = DecisionLog.open(file, clock, DURABLE_TIMEOUT);
      for (OpenIntent open : log.recovery().openIntents()) {
        // Not replayed: the user is re-evaluated against the broker's current state by the
        // first listing, and whatever is still needed is decided and recorded anew.
        LOG.log(
            System.Logger.Level.INFO,
            "decision without outcome found; its user is"
                + " re-evaluated: decision={0} user={1} request={2} seq={3}",
            open.decisionId(),
            open.user(),
            open.request(),
            Long.toString(open.seq()));
      }
      return log;
    } catch (IOException | CorruptLogException e) {
      throw new StartupException("cannot open the decision log " + file + ": " + e.getMessage());
    }
  }

  /**
   * Gives each intent the last run left open an outcome of its own, so that it is reported and
   * re-evaluated at this start only. A log that cannot be written now leaves them open; they are
   * found again at the next start, and the watcher's first decision meets the same fault and stays
   * fail-closed.
   */
  private static void closeOpenIntents(DecisionLog log, DecisionEntry.Actor writer) {
    if (log.recovery().openIntents().isEmpty()) {
      return;
    }
    try {
      int closed = log.closeOpenIntents(writer);
      LOG.log(
          System.Logger.Level.INFO,
          "decisions without outcome closed as unconfirmed: count={0}",
          Integer.toString(closed));
    } catch (LogUnavailableException | IllegalArgumentException e) {
      // Not writable now, or an open intent holds a value this log never writes (the file was
      // edited; `warden audit verify` says where): the intents stay open, the watcher starts.
      LOG.log(
          System.Logger.Level.WARNING, "decisions without outcome left open: {0}", e.getMessage());
    }
  }

  private void logStart(Policy policy) {
    LOG.log(
        System.Logger.Level.INFO,
        "watcher starting: identity={0} serial={1}"
            + " certificateExpires={2} policy={3} policySha256={4} {5}",
        identity.name(),
        identity.actor().serial(),
        identity.expires(),
        policy.name(),
        policy.sha256(),
        String.join(" ", config.describe()));
  }

  private void registerGauges() {
    metrics.gauge(
        WatcherMetrics.CACHE_REQUESTS, "Requests in the watcher's cache.", cache::requestCount);
    metrics.gauge(WatcherMetrics.CACHE_LOCKS, "Locks in the watcher's cache.", cache::lockCount);
    metrics.gauge(
        WatcherMetrics.IDENTITY_EXPIRY,
        "Seconds until the watcher's certificate expires; negative once it has.",
        () -> Duration.between(clock.instant(), identity.expires()).toSeconds());
    metrics.gauge(
        WatcherMetrics.IDENTITY_EXCESS,
        "Permissions the watcher's identity holds beyond what it needs; above 0 only with"
            + " allowBroaderIdentity.",
        () -> excessPermissions);
    metrics.gauge(
        "warden_decision_log_healthy",
        "1 while the decision log can be written.",
        () -> log.healthy() ? 1 : 0);
    metrics.gauge("warden_reconcile_backlog", "Users waiting to be reconciled.", queue::backlog);
  }

  /** Why the watcher is not ready, or null when it is. */
  public @Nullable String notReady() {
    if (closed) {
      return "shutting down";
    }
    if (!log.healthy()) {
      return "the decision log cannot be written ("
          + log.unhealthyReason()
          + "); no action is"
          + " sent until it can";
    }
    if (scopeRefusal != null) {
      return "the watcher stopped acting: " + scopeRefusal;
    }
    if (identity.expires().isBefore(clock.instant())) {
      return "the watcher's certificate expired at "
          + identity.expires()
          + "; it cannot act until its identity is renewed";
    }
    if (!sourceStarted) {
      return "the watcher's permissions have not been checked with the broker yet";
    }
    if (!source.synced()) {
      return "the first listing of the access plane has not completed";
    }
    if (source.state() != ChangeSource.State.CONNECTED) {
      return "not connected to the access plane";
    }
    return null;
  }

  public int statusPort() {
    return status.port();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Waits until every queued user has been reconciled; for tests and graceful handovers. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return queue.awaitIdle(timeout);
  }

  /** Re-reads the policy file; a bad one keeps the old policy in force. */
  public boolean reloadPolicy() {
    try {
      Policy policy = PolicyFile.load(config.policy());
      policies.replace(policy);
      metrics.increment(
          WatcherMetrics.POLICY_RELOADS, "Policy reloads by result.", "result", "success");
      LOG.log(
          System.Logger.Level.INFO,
          "policy reloaded: name={0} sha256={1} rules={2}",
          policy.name(),
          policy.sha256(),
          Integer.toString(policy.rules().size()));
      reloadShadow();
      Instant now = clock.instant();
      for (var user : cache.users()) {
        queue.submit(user, dev.warden.watcher.reconcile.Trigger.resync(now));
      }
      return true;
    } catch (PolicyFile.InvalidPolicyException e) {
      metrics.increment(
          WatcherMetrics.POLICY_RELOADS, "Policy reloads by result.", "result", "failure");
      LOG.log(
          System.Logger.Level.ERROR,
          "policy reload rejected; the previous policy stays in" + " force:\n{0}",
          e.getMessage());
      return false;
    }
  }

  /** Re-reads the shadow policy with the policy in force; a bad one keeps the old shadow. */
  private void reloadShadow() {
    if (shadow == null || config.shadowPolicy() == null) {
      return;
    }
    try {
      shadow.replace(PolicyFile.load(config.shadowPolicy()));
    } catch (PolicyFile.InvalidPolicyException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "shadow policy reload rejected; the previous shadow policy stays:\n{0}",
          e.getMessage());
    }
  }

  private void watchPolicy() {
    while (!closed) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      FileTime now = modified(config.policy());
      if (now != null && !now.equals(policyModified)) {
        policyModified = now;
        reloadPolicy();
      }
    }
  }

  private void checkScopeAtStart() throws StartupException {
    WhoAmI me;
    try {
      me = plane.whoami();
    } catch (AccessPlane.PermanentFailure e) {
      throw new StartupException(
          "the broker refuses the watcher's identity " + identity.name() + ": " + e.getMessage());
    } catch (AccessPlane.TransientFailure e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the broker cannot be asked what the watcher may do yet; it acts once it has checked:"
              + " {0}",
          e.getMessage());
      return;
    }
    String refusal = judge(me);
    if (refusal != null) {
      throw new StartupException(refusal);
    }
    startSource();
  }

  /**
   * Compares the identity's permissions with the watcher's needs: null when it may run, with the
   * excess logged as a warning when the configuration accepts it; otherwise why it may not.
   */
  private @Nullable String judge(WhoAmI me) {
    ScopeCheck.Result result = ScopeCheck.compare(me.permissions());
    String who = "identity " + me.name() + " (roles " + String.join(", ", me.roles()) + ")";
    excessPermissions = result.excess().size();
    if (!result.missing().isEmpty()) {
      return who
          + " lacks permissions the watcher needs: "
          + ScopeCheck.describe(result.missing())
          + "; issue the watcher an identity with the watcher role";
    }
    if (!result.excess().isEmpty()) {
      if (!config.allowBroaderIdentity()) {
        return who
            + " holds "
            + result.excess().size()
            + " permissions the watcher does not need: "
            + ScopeCheck.describe(result.excess())
            + "; issue it the watcher role only, or accept the risk with --allow-broader-identity"
            + " (allowBroaderIdentity: true)";
      }
      LOG.log(
          System.Logger.Level.WARNING,
          "the watcher runs with a broader identity than it needs, because allowBroaderIdentity"
              + " is set: identity={0} serial={1} excess={2} extra=[{3}]",
          me.name(),
          me.serial(),
          result.excess().size(),
          ScopeCheck.describe(result.excess()));
    }
    LOG.log(
        System.Logger.Level.INFO,
        "watcher permissions checked: identity={0} serial={1} roles={2} excess={3}",
        me.name(),
        me.serial(),
        me.roles(),
        result.excess().size());
    return null;
  }

  private void startSource() {
    sourceStarted = true;
    sourceThread.start();
  }

  /**
   * Twice a second: check and adopt a renewed certificate, start acting once the permissions are
   * checked, report expiry.
   */
  private void watchIdentity() {
    while (!closed) {
      try {
        Thread.sleep(IDENTITY_CHECK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      try {
        checkIdentity();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "checking the watcher's identity failed", e);
      }
    }
  }

  private void checkIdentity() {
    if (scopeRefusal != null) {
      return;
    }
    Optional<IdentitySource.Loaded> renewed = identity.renewed();
    if (renewed.isPresent()) {
      checkRenewed(renewed.get());
    } else if (!sourceStarted) {
      checkCurrent();
    }
    if (!identity.expires().isAfter(clock.instant())) {
      reportOnce(
          identity.currentSerial(),
          System.Logger.Level.ERROR,
          "the watcher's certificate expired at "
              + identity.expires()
              + " (serial "
              + identity.currentSerial()
              + "); the broker refuses it, so the watcher cannot act until its identity is renewed"
              + " (warden identity renew)");
    }
  }

  /** Asks the broker about a renewed certificate before any call presents it. */
  private void checkRenewed(IdentitySource.Loaded candidate) {
    WhoAmI me;
    try {
      me = new BrokerPlane(candidate::client).whoami();
    } catch (AccessPlane.TransientFailure e) {
      return;
    } catch (AccessPlane.PermanentFailure e) {
      reportOnce(
          candidate.serial(),
          System.Logger.Level.WARNING,
          "the broker refuses the renewed certificate "
              + candidate.serial()
              + ": "
              + e.getMessage());
      return;
    }
    String refusal = judge(me);
    if (refusal != null) {
      suspend(refusal);
      return;
    }
    identity.adopt(candidate);
    if (!sourceStarted) {
      startSource();
    }
  }

  /** The check that could not be made at start, made as soon as the broker answers. */
  private void checkCurrent() {
    WhoAmI me;
    try {
      me = plane.whoami();
    } catch (AccessPlane.TransientFailure e) {
      return;
    } catch (AccessPlane.PermanentFailure e) {
      reportOnce(
          identity.currentSerial(),
          System.Logger.Level.WARNING,
          "the broker refuses the watcher's certificate "
              + identity.currentSerial()
              + ": "
              + e.getMessage());
      return;
    }
    String refusal = judge(me);
    if (refusal != null) {
      suspend(refusal);
    } else {
      startSource();
    }
  }

  private void suspend(String refusal) {
    source.stop();
    scopeRefusal = refusal;
    LOG.log(System.Logger.Level.ERROR, "the watcher stops acting: {0}", refusal);
  }

  private void reportOnce(String serial, System.Logger.Level level, String message) {
    if (!serial.equals(reportedProblemFor)) {
      reportedProblemFor = serial;
      LOG.log(level, message);
    }
  }

  private static @Nullable FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** Stops taking events, finishes in-flight actions and their records, closes the log. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.log(System.Logger.Level.INFO, "watcher stopping");
    source.stop();
    try {
      if (sourceStarted) {
        sourceThread.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    policyWatch.interrupt();
    identityWatch.interrupt();
    queue.close(Duration.ofSeconds(10));
    closeQuietly();
    status.close();
    LOG.log(System.Logger.Level.INFO, "watcher stopped");
  }

  private void closeQuietly() {
    try {
      log.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the decision log failed: {0}", e.getMessage());
    }
  }
}
