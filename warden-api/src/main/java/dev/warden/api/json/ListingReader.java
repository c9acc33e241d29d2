package dev.warden.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.warden.api.v1.Problem.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a listing answer, {@code {"items": [...], "resourceVersion": N}}, one item at a time
 * straight from the connection: each item is bound and handed over before the next is read, so
 * memory holds one item, not the listing. A million requests are several hundred megabytes as one
 * body and more again as objects; one at a time they are a few hundred bytes.
 *
 * <p>It reads what {@link Json#readAnswer} would read into a list type, as tolerantly: fields it
 * does not know are skipped and a missing {@code items} is an empty listing, but a listing without
 * its {@code resourceVersion} is refused. Items handed over before a failure stay handed over; the
 * caller must treat them as read, not as the listing (they came from one consistent snapshot, but
 * the snapshot was not seen to its end).
 */
final class ListingReader {

  private ListingReader() {}

  /**
   * Reads the listing from {@code body}, giving each item to {@code each} in order.
   *
   * @return the listing's {@code resourceVersion}
   * @throws JsonInputException when the text is not JSON, ends early, or an item does not fit
   *     {@code itemType}; the field path names the item ({@code items[3].state})
   * @throws IOException when reading {@code body} fails
   */
  static <T> long read(
      ObjectMapper mapper, InputStream body, Class<T> itemType, Consumer<? super T> each)
      throws JsonInputException, IOException {
    // Each item ends where the next begins: the check for text after the value is for the body.
    ObjectReader items =
        mapper.readerFor(itemType).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    try (JsonParser parser = mapper.createParser(body)) {
      return readObject(items, parser, each);
    } catch (StreamReadException e) {
      throw malformed(e);
    }
  }

  private static <T> long readObject(
      ObjectReader items, JsonParser parser, Consumer<? super T> each)
      throws JsonInputException, IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw JsonInputException.malformed("the body is empty", 1, 1);
    }
    if (first != JsonToken.START_OBJECT) {
      throw invalid("(body)", "expected an object with items and resourceVersion");
    }
    long resourceVersion = 0;
    boolean sawItems = false;
    boolean sawVersion = false;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "items" -> {
          // Duplicate fields are refused in answers too (STRICT_DUPLICATE_DETECTION).
          sawItems = refuseRepeated(sawItems, parser, field);
          readItems(items, parser, value, each);
        }
        case "resourceVersion" -> {
          sawVersion = refuseRepeated(sawVersion, parser, field);
          resourceVersion = version(parser, value);
        }
        default -> parser.skipChildren();
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw invalid("(body)", "expected a field name or the end of the object");
    }
    if (!sawVersion) {
      // Watching from a guessed version could miss changes; a listing without one is no listing.
      throw invalid("resourceVersion", "expected a whole number");
    }
    if (parser.nextToken() != null) {
      throw JsonInputException.malformed(
          "trailing text after the listing",
          parser.currentLocation().getLineNr(),
          parser.currentLocation().getColumnNr());
    }
    return resourceVersion;
  }

  private static <T> void readItems(
      ObjectReader items, JsonParser parser, JsonToken value, Consumer<? super T> each)
      throws JsonInputException, IOException {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_ARRAY) {
      throw invalid("items", "expected a list");
    }
    int index = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      String path = "items[" + index + "]";
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        throw invalid(path, "is null");
      }
      each.accept(item(items, parser, path));
      index++;
    }
  }

  private static <T> T item(ObjectReader items, JsonParser parser, String path)
      throws JsonInputException, IOException {
    try {
      return items.readValue(parser);
    } catch (StreamReadException e) {
      throw malformed(e);
    } catch (DatabindException e) {
      FieldError error = Json.describe(e);
      String field = error.field().equals("(body)") ? path : path + "." + error.field();
      throw JsonInputException.invalid(List.of(new FieldError(field, error.detail())));
    } catch (IllegalArgumentException e) {
      throw invalid(path, e.getMessage());
    } catch (JsonProcessingException e) {
      throw invalid(path, e.getOriginalMessage());
    }
  }

  private static long version(JsonParser parser, JsonToken value)
      throws JsonInputException, IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw invalid("resourceVersion", "expected a whole number");
    }
    try {
      return parser.getLongValue();
    } catch (StreamReadException e) {
      throw invalid("resourceVersion", "expected a whole number that fits 64 bits");
    }
  }

  private static boolean refuseRepeated(boolean seen, JsonParser parser, String field)
      throws JsonInputException {
    if (seen) {
      throw JsonInputException.malformed(
          "duplicate field '" + field + "'",
          parser.currentLocation().getLineNr(),
          parser.currentLocation().getColumnNr());
    }
    return true;
  }

  private static JsonInputException malformed(StreamReadException e) {
    int line = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr());
    int column = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getColumnNr());
    String message = e.getOriginalMessage();
    int end = message.indexOf('\n');
    return JsonInputException.malformed(
        end < 0 ? message : message.substring(0, end), line, column);
  }

  private static JsonInputException invalid(String field, String detail) {
    return JsonInputException.invalid(List.of(new FieldError(field, detail)));
  }
}
