package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ProblemException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a broker. Broker errors become one line naming the call and the broker's
 * problem detail, with exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {

  @Mixin BrokerOptions broker;

  @Mixin Output output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      return run(broker.connect(), spec.commandLine().getOut(), output.json());
    } catch (ProblemException e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 1;
    } catch (BrokerException e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 1;
    } catch (UserError e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  abstract int run(BrokerClient client, PrintWriter out, boolean json)
      throws UserError, InterruptedException;
}
