package dev.warden.watcher.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small metrics registry: labelled counters, gauges read when scraped, and fixed-bucket
 * histograms, written in the Prometheus text exposition format.
 *
 * <p>Written here rather than taken from a metrics library because the watcher needs a dozen series
 * and nothing else such a library brings.
 */
public final class Metrics {

  private final Map<String, Family> families = new ConcurrentHashMap<>();

  private sealed interface Family permits CounterFamily, GaugeFamily, HistogramFamily {}

  private record CounterFamily(String help, Map<String, LongAdder> series) implements Family {}

  private record GaugeFamily(String help, Map<String, DoubleSupplier> series) implements Family {}

  private record HistogramFamily(String help, double[] bounds, Map<String, Histogram> series)
      implements Family {}

  /** Adds one to a counter; {@code labels} alternate names and values. */
  public void increment(String name, String help, String... labels) {
    CounterFamily family =
        (CounterFamily)
            families.computeIfAbsent(name, n -> new CounterFamily(help, new ConcurrentHashMap<>()));
    family.series().computeIfAbsent(labelText(labels), l -> new LongAdder()).increment();
  }

  /** Registers a gauge whose value is read at every scrape. */
  public void gauge(String name, String help, DoubleSupplier value, String... labels) {
    GaugeFamily family =
        (GaugeFamily)
            families.computeIfAbsent(name, n -> new GaugeFamily(help, new ConcurrentHashMap<>()));
    family.series().put(labelText(labels), value);
  }

  /** Records one observation, in seconds, in a histogram with the given upper bounds. */
  public void observe(String name, String help, double[] bounds, double seconds, String... labels) {
    HistogramFamily family =
        (HistogramFamily)
            families.computeIfAbsent(
                name, n -> new HistogramFamily(help, bounds.clone(), new ConcurrentHashMap<>()));
    family
        .series()
        .computeIfAbsent(labelText(labels), l -> new Histogram(family.bounds()))
        .observe(seconds);
  }

  /** The current value of a counter series, for tests and the start-up summary. */
  public long counter(String name, String... labels) {
    if (families.get(name) instanceof CounterFamily family) {
      LongAdder adder = family.series().get(labelText(labels));
      return adder == null ? 0 : adder.sum();
    }
    return 0;
  }

  /** Every series in the Prometheus text format, families sorted by name. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    for (Map.Entry<String, Family> entry : new TreeMap<>(families).entrySet()) {
      String name = entry.getKey();
      switch (entry.getValue()) {
        case CounterFamily c -> {
          header(out, name, c.help(), "counter");
          new TreeMap<>(c.series())
              .forEach((labels, v) -> line(out, name, labels, Long.toString(v.sum())));
        }
        case GaugeFamily g -> {
          header(out, name, g.help(), "gauge");
          new TreeMap<>(g.series())
              .forEach((labels, v) -> line(out, name, labels, number(v.getAsDouble())));
        }
        case HistogramFamily h -> {
          header(out, name, h.help(), "histogram");
          new TreeMap<>(h.series()).forEach((labels, v) -> v.write(out, name, labels));
        }
      }
    }
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder out, String name, String labels, String value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String labelText(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("bug: labels come in name/value pairs");
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        text.append(',');
      }
      text.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    return text.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Cumulative buckets, a sum and a count. */
  private static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] buckets;
    private final DoubleAdder sum = new DoubleAdder();
    private final AtomicLong count = new AtomicLong();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.buckets = new LongAdder[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < bounds.length; i++) {
        if (seconds <= bounds[i]) {
          buckets[i].increment();
          break;
        }
      }
      sum.add(seconds);
      count.incrementAndGet();
    }

    void write(StringBuilder out, String name, String labels) {
      long cumulative = 0;
      String prefix = labels.isEmpty() ? "" : labels + ",";
      for (int i = 0; i < bounds.length; i++) {
        cumulative += buckets[i].sum();
        line(
            out,
            name + "_bucket",
            prefix + "le=\"" + number(bounds[i]) + "\"",
            Long.toString(cumulative));
      }
      line(out, name + "_bucket", prefix + "le=\"+Inf\"", Long.toString(count.get()));
      line(out, name + "_sum", labels, number(sum.sum()));
      line(out, name + "_count", labels, Long.toString(count.get()));
    }
  }
}
