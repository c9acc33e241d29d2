package dev.warden.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the core pure: no I/O, no network, no databases, no clock, no randomness, no frameworks.
 *
 * <p>Everything that reuses {@code decide} (tests, matrix, replay, shadow mode, benchmarks) relies
 * on it behaving the same everywhere; a file read or a clock call inside the core would break that
 * quietly, so the build breaks loudly instead.
 */
class ArchitectureTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.warden.core");
  }

  @Test
  void core_performsNoFileOrNetworkIo() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "java.io..",
                "java.nio.file..",
                "java.nio.channels..",
                "java.net..",
                "java.sql..",
                "javax.net..",
                "java.net.http..",
                "com.sun.net.httpserver..")
            .because("the core is a pure function of its inputs; callers do the I/O");

    rule.check(core);
  }

  @Test
  void core_readsNoClockAndDrawsNoRandomness() {
    ArchRule rule =
        noClasses()
            .should()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.Random")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.security.SecureRandom")
            .orShould()
            .callMethod(java.util.UUID.class, "randomUUID")
            .because("decide takes the time as an argument and must be deterministic");

    rule.check(core);
  }

  @Test
  void core_usesNoFrameworksOrOtherWardenModules() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.warden.api..",
                "dev.warden.broker..",
                "dev.warden.watcher..",
                "dev.warden.cli..",
                "com.fasterxml.jackson..",
                "picocli..",
                "org.eclipse.jetty..",
                "jakarta..",
                "javax.servlet..",
                "org.springframework..",
                "org.slf4j..",
                "java.util.logging..")
            .because("the core is the dependency of everything and depends on nothing of ours");

    rule.check(core);
  }
}
