package dev.warden.core.policy.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of the variables a condition sees, declared once so that the checker and the runtime
 * adapter cannot disagree.
 *
 * <p>{@code request} and {@code user} are declared as CEL struct types whose fields are listed
 * here, not as {@code map(string, dyn)}: the checker then rejects a misspelt field or a value used
 * as the wrong type when the policy loads. At run time the structs are plain Java maps, which
 * cel-java's interpreter selects fields from by key.
 */
final class ConditionSchema {

  /** The kinds of value a declared field holds. */
  enum Kind {
    STRING(SimpleType.STRING),
    INT(SimpleType.INT),
    TIMESTAMP(SimpleType.TIMESTAMP),
    STRING_LIST(ListType.create(SimpleType.STRING)),
    TRAITS(MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)));

    private final CelType celType;

    Kind(CelType celType) {
      this.celType = celType;
    }

    CelType celType() {
      return celType;
    }
  }

  static final String REQUEST_TYPE_NAME = "warden.Request";
  static final String USER_TYPE_NAME = "warden.User";

  /** Fields of {@code request} and of each element of {@code active}, in documentation order. */
  static final Map<String, Kind> REQUEST_FIELDS =
      ordered(
          "id", Kind.STRING,
          "user", Kind.STRING,
          "roles", Kind.STRING_LIST,
          "resources", Kind.STRING_LIST,
          "environments", Kind.STRING_LIST,
          "reason", Kind.STRING,
          "ttlSeconds", Kind.INT,
          "created", Kind.TIMESTAMP);

  static final Map<String, Kind> USER_FIELDS = ordered("name", Kind.STRING, "traits", Kind.TRAITS);

  static final StructType REQUEST = struct(REQUEST_TYPE_NAME, REQUEST_FIELDS);
  static final StructType USER = struct(USER_TYPE_NAME, USER_FIELDS);
  static final ListType ACTIVE = ListType.create(REQUEST);

  /** Resolves the two struct names for the checker; it knows no other named types. */
  static final CelTypeProvider TYPES =
      new CelTypeProvider() {
        private final ImmutableList<CelType> types = ImmutableList.of(REQUEST, USER);

        @Override
        public ImmutableCollection<CelType> types() {
          return types;
        }

        @Override
        public Optional<CelType> findType(String name) {
          return types.stream().filter(type -> type.name().equals(name)).findFirst();
        }
      };

  /** One line naming every variable and field, for hints after a type error. */
  static final String SUMMARY =
      "request has the fields "
          + String.join(", ", REQUEST_FIELDS.keySet())
          + "; user has "
          + String.join(", ", USER_FIELDS.keySet())
          + " (traits maps a name to a list of strings); active is a list of requests;"
          + " now is a timestamp";

  private ConditionSchema() {}

  private static StructType struct(String name, Map<String, Kind> fields) {
    return StructType.create(
        name,
        ImmutableSet.copyOf(fields.keySet()),
        field -> Optional.ofNullable(fields.get(field)).map(Kind::celType));
  }

  private static Map<String, Kind> ordered(Object... namesAndKinds) {
    Map<String, Kind> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndKinds.length; i += 2) {
      fields.put((String) namesAndKinds[i], (Kind) namesAndKinds[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(fields);
  }
}
