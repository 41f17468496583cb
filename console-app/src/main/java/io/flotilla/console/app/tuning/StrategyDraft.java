package io.flotilla.console.app.tuning;

import io.flotilla.engine.api.ExtensionSpec;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A strategy being chosen in the console: a provider name from the registry and the values of its typed
 * parameters, written as the spec the engine parses ({@code trimmed-mean:beta=0.2}; parameters left at their
 * default are left out). Not thread-safe (UI thread).
 */
final class StrategyDraft {
  private final Extensions extensions;
  private final Map<String, String> params = new TreeMap<>();
  private String name;

  StrategyDraft(Extensions extensions, String spec) {
    this.extensions = Objects.requireNonNull(extensions, "extensions");
    ExtensionSpec s = ExtensionSpec.parse("strategy", spec);
    name = s.name();
    params.putAll(s.params());
  }

  String name() {
    return name;
  }

  /** Chooses another provider; its parameters start at their defaults. */
  void choose(String provider) {
    if (!Objects.equals(provider, name)) {
      name = provider;
      params.clear();
    }
  }

  List<ParamSpec> parameters() {
    return extensions.strategies().stream().filter(p -> p.name().equals(name)).findFirst()
        .map(AggregationStrategyProvider::parameters).orElse(List.of());
  }

  /** The value of parameter {@code p}: as set, or the spec's default. */
  String parameter(String p) {
    String v = params.get(p);
    return v != null ? v : parameters().stream().filter(s -> s.name().equals(p)).findFirst()
        .map(ParamSpec::defaultValue).orElse("");
  }

  void set(String p, String value) {
    params.put(p, value == null ? "" : value.trim());
  }

  /** {@code NAME[:k=v,...]} with the parameters that differ from their defaults. */
  String spec() {
    StringBuilder b = new StringBuilder(name);
    Map<String, String> defaults = new TreeMap<>();
    parameters().forEach(p -> defaults.put(p.name(), p.defaultValue()));
    String sep = ":";
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!Objects.equals(e.getValue(), defaults.get(e.getKey()))) {
        b.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ",";
      }
    }
    return b.toString();
  }
}
