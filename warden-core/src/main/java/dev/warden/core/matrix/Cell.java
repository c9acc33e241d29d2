package dev.warden.core.matrix;

import dev.warden.core.decision.Decision;
import java.util.List;

/**
 * One cell of the matrix: what the user held, what they asked for, and what the policy decided.
 *
 * @param held the grants held before the request, oldest first
 * @param locked the held grants the decision locks
 * @param violations what the user would hold against a state rule once the decision is carried out;
 *     always empty for a correct engine, and checked apart from it
 */
public record Cell(
    List<Access> held,
    Access requested,
    Decision decision,
    List<Access> locked,
    List<String> violations) {

  public Cell {
    held = List.copyOf(held);
    locked = List.copyOf(locked);
    violations = List.copyOf(violations);
  }
}
