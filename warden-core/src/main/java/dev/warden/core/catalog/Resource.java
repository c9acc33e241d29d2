package dev.warden.core.catalog;

import java.util.Map;

/** A resource users may request access to, such as a node or a database. */
public record Resource(ResourceId id, Map<String, String> labels) {

  public Resource {
    labels = Map.copyOf(labels);
  }
}
