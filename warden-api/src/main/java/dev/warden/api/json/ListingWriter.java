package dev.warden.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes a listing answer, {@code {"items": [...], "resourceVersion": N}}, one item at a time as
 * the items are read, byte for byte what {@link Json#write} makes of the whole listing.
 *
 * <p>The output is opened only when the first item or the end comes, so that a failure before then
 * (a refused caller, a store that cannot be read) can still be answered as an error. After that, a
 * failure leaves the text unfinished: nothing closes the open list and object, so a reader sees a
 * listing that ends early, never one that looks complete without its version.
 */
public final class ListingWriter implements AutoCloseable {

  /** Opens the stream the listing goes to; called once, before the first byte. */
  @FunctionalInterface
  public interface Opener {
    OutputStream open() throws IOException;
  }

  private static final ObjectWriter ITEMS =
      Json.mapper().writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  private final Opener opener;
  private @Nullable JsonGenerator json;
  private boolean finished;

  public ListingWriter(Opener opener) {
    this.opener = opener;
  }

  /**
   * Writes one item.
   *
   * @throws UncheckedIOException when the stream fails, so that the writer can serve as a consumer
   *     of whatever reads the items; {@link #unwrap} gives the cause back
   */
  public void write(Object item) {
    try {
      ITEMS.writeValue(generator(), item);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the list with its version and flushes everything. */
  public void finish(long resourceVersion) throws IOException {
    JsonGenerator generator = generator();
    generator.writeEndArray();
    generator.writeNumberField("resourceVersion", resourceVersion);
    generator.writeEndObject();
    generator.flush();
    finished = true;
  }

  /** Whether the output has been opened, after which no other answer can be sent. */
  public boolean started() {
    return json != null;
  }

  /** Releases the generator; an unfinished listing stays unfinished. */
  @Override
  public void close() throws IOException {
    if (json != null && finished) {
      json.close();
    }
  }

  /** The I/O failure {@link #write} wrapped, or null when {@code failure} is not one. */
  public static @Nullable IOException unwrap(Throwable failure) {
    return failure instanceof UncheckedIOException unchecked ? unchecked.getCause() : null;
  }

  private JsonGenerator generator() throws IOException {
    if (json == null) {
      JsonGenerator generator = Json.mapper().getFactory().createGenerator(opener.open());
      // Closing must never complete a listing that failed part-way.
      generator.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      generator.writeStartObject();
      generator.writeArrayFieldStart("items");
      json = generator;
    }
    return json;
  }
}
