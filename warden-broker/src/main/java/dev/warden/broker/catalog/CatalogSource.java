package dev.warden.broker.catalog;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The catalog file and the catalog read from it last.
 *
 * <p>A reload that fails leaves the previous catalog in force and logs every problem with its
 * {@code file:line:column}, so a typo in production never empties the catalog.
 */
public final class CatalogSource {

  private static final System.Logger LOG = System.getLogger(CatalogSource.class.getName());

  private final Path file;
  private volatile Catalog current;

  private CatalogSource(Path file, Catalog current) {
    this.file = file;
    this.current = current;
  }

  /**
   * Loads the catalog file for the first time.
   *
   * @throws InvalidFileException with every problem of the file
   * @throws IOException when it cannot be read
   */
  public static CatalogSource load(Path file) throws IOException, InvalidFileException {
    return new CatalogSource(file, read(file));
  }

  /** A source that serves a fixed catalog; for tests and embedded use without a file. */
  public static CatalogSource fixed(Path file, Catalog catalog) {
    return new CatalogSource(file, catalog);
  }

  public Catalog current() {
    return current;
  }

  public Path file() {
    return file;
  }

  /**
   * Reads the file again; on success the new catalog is in force, on failure the old one stays.
   *
   * @return whether the new file was taken
   */
  public boolean reload() {
    try {
      Catalog next = read(file);
      current = next;
      LOG.log(
          Level.INFO,
          "catalog reloaded file={0} roles={1} resources={2} users={3}",
          file,
          next.roles().size(),
          next.resources().size(),
          next.users().size());
      return true;
    } catch (InvalidFileException e) {
      for (Diagnostic diagnostic : e.diagnostics()) {
        LOG.log(Level.ERROR, "catalog rejected, previous catalog kept: {0}", diagnostic.format());
      }
      return false;
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "catalog cannot be read, previous catalog kept: file={0} error={1}",
          file,
          e.toString());
      return false;
    }
  }

  private static Catalog read(Path file) throws IOException, InvalidFileException {
    // From the bytes, so that a byte that is not UTF-8 is an error with its line and column.
    return CatalogLoader.load(file.toString(), Files.readAllBytes(file));
  }
}
