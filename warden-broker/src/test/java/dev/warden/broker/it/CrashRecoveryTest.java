package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ClientIdentity;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.RoleName;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Kills the broker process with SIGKILL in the middle of a burst of writes, starts it again on the
 * same data, and checks that nothing acknowledged was lost and the event sequence has no gap.
 */
class CrashRecoveryTest {

  private static final int WRITERS = 8;

  @Test
  void sigkillDuringWrites_losesNoAcknowledgedWrite_andLeavesNoGap() throws Exception {
    Path directory = Files.createTempDirectory("warden-crash");
    Path data = directory.resolve("data");
    Path catalog = directory.resolve("catalog.yaml");
    Files.writeString(catalog, TestBroker.CATALOG);
    CertificateAuthority ca = CertificateAuthority.openOrCreate(data.resolve("ca"), Instant.now());
    ClientIdentity admin =
        ca.issueIdentity("root", List.of("admin"), Duration.ofHours(1), Instant.now())
            .asClientIdentity();

    Process first = startBroker(data, catalog, directory.resolve("port-1"));
    BrokerClient client = connect(directory.resolve("port-1"), admin);
    Set<RequestId> acknowledged = burstUntilKilled(client, first);
    Process second = startBroker(data, catalog, directory.resolve("port-2"));
    try {
      BrokerClient after = connect(directory.resolve("port-2"), admin);

      Set<RequestId> stored =
          after.listRequests().items().stream().map(RequestObject::id).collect(Collectors.toSet());
      List<Long> versions = allEventVersions(after);

      assertThat(acknowledged).hasSizeGreaterThan(20);
      assertThat(stored).containsAll(acknowledged);
      assertThat(versions).isNotEmpty();
      for (int i = 0; i < versions.size(); i++) {
        assertThat(versions.get(i)).as("event %d", i).isEqualTo(i + 1L);
      }
      assertThat(versions).hasSize(stored.size());
    } finally {
      second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Set<RequestId> burstUntilKilled(BrokerClient client, Process broker)
      throws Exception {
    Set<RequestId> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (running.get()) {
                      try {
                        acknowledged.add(client.createRequest(request()).id());
                      } catch (BrokerException e) {
                        // Writes in flight when the process dies fail; only acknowledged ones
                        // count.
                      }
                    }
                  }));
    }
    while (acknowledged.size() < 200) {
      Thread.sleep(20);
    }
    broker.destroyForcibly();
    broker.waitFor(10, TimeUnit.SECONDS);
    running.set(false);
    for (Thread writer : writers) {
      writer.join();
    }
    return acknowledged;
  }

  private static List<Long> allEventVersions(BrokerClient client) {
    List<Long> versions = new ArrayList<>();
    long since = 0;
    while (true) {
      EventList page = client.events(since);
      if (page.items().isEmpty()) {
        return versions;
      }
      for (AuditEvent event : page.items()) {
        versions.add(event.resourceVersion());
        since = event.resourceVersion();
      }
    }
  }

  private static NewRequest request() {
    return NewRequest.forCaller(
        List.of(RoleName.of("dev-db")), List.of(), "burst", Duration.ofHours(1));
  }

  private static Process startBroker(Path data, Path catalog, Path portFile) throws Exception {
    return BrokerProcess.launch(data, catalog, portFile);
  }

  private static BrokerClient connect(Path portFile, ClientIdentity identity) throws Exception {
    int port = Integer.parseInt(Files.readString(portFile).trim());
    return BrokerClient.connect(URI.create("https://127.0.0.1:" + port), identity);
  }
}
