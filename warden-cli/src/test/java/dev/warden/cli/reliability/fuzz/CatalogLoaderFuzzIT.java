package dev.warden.cli.reliability.fuzz;

import net.jqwik.api.Example;

/**
 * Bad input for the catalog loader: mutated valid catalogs (the example, the corpus), each loaded
 * as the broker and the CLI load a catalog file. Every rejection must be positioned errors with
 * codes, nothing may be thrown, and a catalog that loads must survive the wire (the broker serves
 * it, the watcher reads it back) and the policy engine. About 20 s in CI; {@code
 * -Dreliability.minutes=N} runs it about N minutes.
 */
class CatalogLoaderFuzzIT {

  @Example
  void mutatedCatalogs_areLoadedOrRejectedWithPositionedErrors() throws Exception {
    try (LoaderCheck check = new LoaderCheck(Seeds.exampleCatalog(), Seeds.examplePolicy())) {
      LoaderFuzz.run("fuzz-catalog-loader", Seeds.catalogs(), check::catalog);
    }
  }
}
