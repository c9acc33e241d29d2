package dev.warden.core.decision;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An immutable set of environment names that iterates in sorted order, as {@link Facts} promises.
 *
 * <p>{@link Facts} used to copy both of its sets into fresh tree sets for every decision, which was
 * a tenth of the cost of deciding in a replay. The placements of an {@link EnvironmentIndex} now
 * hold their environments in this form once, and {@link #copyOf} returns such a set as it is: it
 * cannot change, so sharing it is as good as a copy. It equals, hashes and prints like any other
 * set of the same names.
 */
final class SortedEnvironments extends AbstractSet<String> {

  private static final SortedEnvironments EMPTY = new SortedEnvironments(new String[0]);

  private final String[] names;

  private SortedEnvironments(String[] sortedDistinct) {
    this.names = sortedDistinct;
  }

  /** The names of {@code environments}, sorted; the set itself when it is one of these already. */
  static SortedEnvironments copyOf(Collection<String> environments) {
    if (environments instanceof SortedEnvironments sorted) {
      return sorted;
    }
    if (environments.isEmpty()) {
      return EMPTY;
    }
    String[] names = environments.toArray(String[]::new);
    Arrays.sort(names);
    int distinct = 0;
    for (String name : names) {
      if (distinct == 0 || !names[distinct - 1].equals(name)) {
        names[distinct++] = name;
      }
    }
    return new SortedEnvironments(
        distinct == names.length ? names : Arrays.copyOf(names, distinct));
  }

  /** The names given, already sorted and distinct; not copied, so the caller must not keep them. */
  static SortedEnvironments ofSorted(String[] sortedDistinct) {
    return sortedDistinct.length == 0 ? EMPTY : new SortedEnvironments(sortedDistinct);
  }

  @Override
  public boolean contains(Object o) {
    for (String name : names) {
      if (name.equals(o)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < names.length;
      }

      @Override
      public String next() {
        if (next >= names.length) {
          throw new NoSuchElementException();
        }
        return names[next++];
      }
    };
  }

  @Override
  public int size() {
    return names.length;
  }
}
