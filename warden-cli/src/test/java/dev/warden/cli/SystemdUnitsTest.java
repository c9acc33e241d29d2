package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped systemd units parse, carry the hardening docs/deploy.md promises, and verify. */
class SystemdUnitsTest {

  private static final Path UNITS = Path.of("..", "deploy", "systemd");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"warden-broker.service", "warden-watcher.service"})
  void unit_parsesAndIsHardened(String name) throws IOException {
    Map<String, Map<String, List<String>>> unit = parse(UNITS.resolve(name));

    assertThat(unit).containsOnlyKeys("Unit", "Service", "Install");
    Map<String, List<String>> service = unit.get("Service");
    String user = name.replace(".service", "");
    assertThat(service.get("User")).containsExactly(user);
    assertThat(service.get("Group")).containsExactly(user);
    assertThat(service.get("NoNewPrivileges")).containsExactly("yes");
    assertThat(service.get("ProtectSystem")).containsExactly("strict");
    assertThat(service.get("PrivateTmp")).containsExactly("yes");
    assertThat(service.get("ProtectHome")).containsExactly("yes");
    assertThat(service.get("CapabilityBoundingSet")).as("an empty set").containsExactly("");
    assertThat(service.get("AmbientCapabilities")).containsExactly("");
    assertThat(service.get("Restart")).containsExactly("on-failure");
    assertThat(service.get("SuccessExitStatus")).containsExactly("143");
    assertThat(service.get("StateDirectory")).containsExactly(user);
    assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/" + user);
    assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
    assertThat(service.get("ExecStart").getFirst())
        .startsWith("/opt/warden/bin/java ")
        .contains(
            "-jar /opt/warden/lib/warden-all.jar "
                + (user.endsWith("broker") ? "broker" : "watch"));
    assertThat(unit.get("Install").get("WantedBy")).containsExactly("multi-user.target");
  }

  /** Runs only where systemd's own checker is installed; elsewhere the parse test stands alone. */
  @Test
  void units_passSystemdAnalyzeVerify() throws Exception {
    Assumptions.assumeTrue(
        onPath("systemd-analyze"), "systemd-analyze is not installed; only the parse test runs");
    List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String name : List.of("warden-broker.service", "warden-watcher.service")) {
      // verify insists the executable exists; this JVM stands in for the installed link.
      String text = Files.readString(UNITS.resolve(name)).replace("/opt/warden/bin/java", java);
      command.add(Files.writeString(dir.resolve(name), text).toString());
    }

    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).as("systemd-analyze found nothing to warn about").isBlank();
  }

  /** Sections to keys to values, with continued lines joined and comments dropped. */
  private static Map<String, Map<String, List<String>>> parse(Path file) throws IOException {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> section = null;
    StringBuilder pending = new StringBuilder();
    int number = 0;
    for (String raw : Files.readAllLines(file)) {
      number++;
      String line = raw.strip();
      if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      line = (pending + line).replaceAll(" +", " ");
      pending.setLength(0);
      if (line.startsWith("[") && line.endsWith("]")) {
        section = new LinkedHashMap<>();
        assertThat(sections.put(line.substring(1, line.length() - 1), section))
            .as(file + ":" + number + ": section named twice")
            .isNull();
        continue;
      }
      int equals = line.indexOf('=');
      assertThat(equals).as(file + ":" + number + ": not key=value: " + raw).isPositive();
      assertThat(section).as(file + ":" + number + ": a key before any section").isNotNull();
      section
          .computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
          .add(line.substring(equals + 1).strip());
    }
    assertThat(pending).as(file + ": ends inside a continued line").isEmpty();
    return sections;
  }

  private static boolean onPath(String program) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }
}
