package dev.warden.core.matrix;

import java.util.List;

/**
 * The whole matrix.
 *
 * @param items every role and resource of the catalog, roles first, in catalog order
 * @param holdings every set of up to {@code hold} grants the policy lets a user keep, in order
 * @param refusedHoldings sets of grants left out because the policy would not let a user keep them
 *     together (a resync of them locks something)
 * @param cells one per holding and requested item, holding by holding
 */
public record PolicyMatrix(
    int hold,
    List<Access> items,
    List<List<Access>> holdings,
    int refusedHoldings,
    List<Cell> cells) {

  public PolicyMatrix {
    items = List.copyOf(items);
    holdings = holdings.stream().map(List::copyOf).toList();
    cells = List.copyOf(cells);
  }

  /** The cells where the user would end up holding what a state rule forbids. */
  public List<Cell> violations() {
    return cells.stream().filter(c -> !c.violations().isEmpty()).toList();
  }
}
