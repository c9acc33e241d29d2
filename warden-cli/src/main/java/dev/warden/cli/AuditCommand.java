package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.Pem;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.EventList;
import dev.warden.core.access.RequestId;
import dev.warden.watcher.log.ChainVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden audit}: check a decision log, and tell the story of one request from it. */
@Command(
    name = "audit",
    description = "Verify a decision log, and explain why access changed.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Why.class})
final class AuditCommand {

  /**
   * {@code warden audit verify LOG [--cert FILE]… [--live] [-o table|json]}.
   *
   * <p>Exit codes: 0 the log verifies; 1 it has a fault, or cannot be read; 2 usage error.
   */
  @Command(
      name = "verify",
      description = {
        "Check every record's hash and the chain of a decision log and, with --cert, the signed"
            + " checkpoints; print every fault by line and seq.",
        "Exit 0 when the log verifies, 1 on any fault, 2 on usage errors."
      })
  static final class Verify implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "The decision log.")
    Path log;

    @Option(
        names = "--cert",
        paramLabel = "FILE",
        description =
            "A PEM file with the watcher's certificate(s) to check checkpoint signatures with;"
                + " repeat for certificates the watcher used before a renewal.")
    List<Path> certificates = new ArrayList<>();

    @Option(
        names = "--live",
        description =
            "The log is still being written: records after the last checkpoint are expected.")
    boolean live;

    @Mixin Output output;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        boolean json = output.json();
        List<X509Certificate> certs = certificates();
        ChainVerifier.Report report = verify(certs);
        if (json) {
          Output.printJson(out, asJson(report));
        } else {
          describe(out, report);
        }
        return report.ok() ? 0 : 1;
      } catch (UserError e) {
        err.println("warden: " + e.getMessage());
        return 1;
      }
    }

    private ChainVerifier.Report verify(List<X509Certificate> certs) throws UserError {
      try {
        if (java.nio.file.Files.isDirectory(log)) {
          throw new UserError(log + ": is a directory, not a decision log");
        }
        return ChainVerifier.verify(log, certs, live);
      } catch (NoSuchFileException e) {
        throw new UserError(log + ": no such file");
      } catch (IOException e) {
        throw new UserError(log + ": cannot be read: " + e.getMessage());
      }
    }

    private List<X509Certificate> certificates() throws UserError {
      List<X509Certificate> certs = new ArrayList<>();
      for (Path file : certificates) {
        try {
          certs.addAll(Pem.readCertificates(file));
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage());
        }
      }
      return certs;
    }

    private void describe(PrintWriter out, ChainVerifier.Report report) {
      for (ChainVerifier.Fault fault : report.faults()) {
        out.printf(
            "%s:%d: seq %s: %s: %s%n",
            log,
            fault.line(),
            fault.seq() < 0 ? "?" : Long.toString(fault.seq()),
            fault.kind(),
            fault.detail());
      }
      if (report.faultCount() > report.faults().size()) {
        out.printf("… and %d more faults%n", report.faultCount() - report.faults().size());
      }
      StringBuilder summary =
          new StringBuilder(log.toString())
              .append(": ")
              .append(PolicyCommand.plural(report.records(), "record"))
              .append(", ")
              .append(PolicyCommand.plural(report.checkpoints(), "checkpoint"));
      if (report.signaturesChecked()) {
        summary
            .append(" (")
            .append(report.verifiedCheckpoints())
            .append(" signatures verified, the last vouching for seq ")
            .append(report.lastSignedSeq())
            .append(")");
      }
      summary.append(": ");
      summary.append(
          report.ok()
              ? "intact"
              : PolicyCommand.plural(report.faultCount(), "fault") + "; the log is not intact");
      out.println(summary);
      if (!report.signaturesChecked()) {
        out.println(
            "note: signatures not checked (no --cert): a log cut at a line end, or rewritten from"
                + " some record on with every hash recomputed, passes the chain check alone");
      } else if (live && !report.endsWithShutdown()) {
        out.println(
            "note: --live: records after seq "
                + report.lastSignedSeq()
                + " are not yet vouched for by a signature");
      }
      out.flush();
    }

    private static Map<String, Object> asJson(ChainVerifier.Report report) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("ok", report.ok());
      json.put("records", report.records());
      json.put("checkpoints", report.checkpoints());
      json.put("signaturesChecked", report.signaturesChecked());
      json.put("verifiedCheckpoints", report.verifiedCheckpoints());
      json.put("lastSignedSeq", report.lastSignedSeq());
      json.put("endsWithShutdownCheckpoint", report.endsWithShutdown());
      json.put("faultCount", report.faultCount());
      List<Object> faults = new ArrayList<>();
      for (ChainVerifier.Fault fault : report.faults()) {
        Map<String, Object> each = new LinkedHashMap<>();
        each.put("line", fault.line());
        each.put("seq", fault.seq() < 0 ? null : fault.seq());
        each.put("kind", fault.kind());
        each.put("detail", fault.detail());
        faults.add(each);
      }
      json.put("faults", faults);
      return json;
    }
  }

  /**
   * {@code warden audit why REQUEST_ID --log LOG [--broker URL] [-o table|json]}.
   *
   * <p>Exit codes: 0 the story was told; 1 the log holds nothing about the request, or a file or
   * the broker could not be read; 2 usage error.
   */
  @Command(
      name = "why",
      description = {
        "Tell the story of one request in time order: what was asked and by whom, every decision"
            + " touching it, and with --broker the broker's audit events for it.",
        "Exit 0 when the log knows the request, 1 otherwise, 2 on usage errors."
      })
  static final class Why implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The request.")
    String request;

    @Option(names = "--log", required = true, paramLabel = "LOG", description = "The decision log.")
    Path log;

    @Mixin BrokerOptions broker;

    @Mixin Output output;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        boolean json = output.json();
        RequestId id = requestId();
        RequestStory story = RequestStory.read(log, id);
        List<AuditEvent> events = broker.broker == null ? null : events(id, story);
        if (story.isEmpty() && (events == null || events.isEmpty())) {
          err.println("warden: " + log + " holds no decision about request " + id);
          return 1;
        }
        if (json) {
          Output.printJson(out, story.asJson(events));
        } else {
          story.describe(out, events);
        }
        return 0;
      } catch (UserError e) {
        err.println("warden: " + e.getMessage());
        return 1;
      } catch (BrokerException e) {
        err.println("warden: " + e.getMessage());
        return 1;
      }
    }

    private RequestId requestId() throws UserError {
      try {
        return RequestId.of(request);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }

    /** The broker's audit events about the request and the locks on it, oldest first. */
    private List<AuditEvent> events(RequestId id, RequestStory story) throws UserError {
      BrokerClient client = broker.connect();
      List<AuditEvent> found = new ArrayList<>();
      long since = 0;
      while (true) {
        EventList page = client.events(since);
        for (AuditEvent event : page.items()) {
          if (story.concerns(event.kind(), event.id())) {
            found.add(event);
          }
        }
        @Nullable Long last =
            page.items().isEmpty()
                ? null
                : page.items().get(page.items().size() - 1).resourceVersion();
        if (last == null || last <= since) {
          return found;
        }
        since = last;
      }
    }
  }
}
