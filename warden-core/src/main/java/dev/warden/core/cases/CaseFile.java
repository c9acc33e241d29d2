package dev.warden.core.cases;

import dev.warden.core.catalog.Catalog;
import java.util.List;

/**
 * A parsed policy test file.
 *
 * @param source the file name as given, for messages
 * @param catalog the catalog its cases run against, read inline or from the file it names
 */
public record CaseFile(String source, Catalog catalog, List<PolicyCase> cases) {

  public CaseFile {
    cases = List.copyOf(cases);
  }
}
