package dev.warden.cli.reliability.fuzz;

import java.util.List;
import java.util.function.Function;

/** The loop the two loader targets share: mutate a seed, load it, check the result, repeat. */
final class LoaderFuzz {

  private LoaderFuzz() {}

  static void run(String target, List<String> seeds, Function<byte[], LoaderCheck.Result> load) {
    FuzzRun run = FuzzRun.start(target, "uncaught", "unpositioned", "accepted-then-failed", "hang");
    while (run.more()) {
      byte[] input = YamlMutator.mutate(run, run.pick(seeds), seeds);
      LoaderCheck.Result result = load.apply(input);
      run.counted(result.accepted());
      if (result.violation() != null) {
        run.failed(result.kind(), result.violation(), input, "yaml");
      }
    }
    run.set("seeds", seeds.size());
    run.finish();
  }
}
