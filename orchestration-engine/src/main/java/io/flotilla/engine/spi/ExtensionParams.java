package io.flotilla.engine.spi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validated parameter values for one extension instance: every key must be declared by the extension's
 * {@link ParamSpec}s and parse as its type; missing keys take the default. Immutable.
 */
public final class ExtensionParams {
  private final String owner;
  private final Map<String, String> values;

  private ExtensionParams(String owner, Map<String, String> values) {
    this.owner = owner;
    this.values = Map.copyOf(values);
  }

  /**
   * Checks {@code given} against {@code specs}.
   *
   * @throws IllegalArgumentException naming the extension and the offending parameter
   */
  public static ExtensionParams validate(String owner, List<ParamSpec> specs, Map<String, String> given) {
    Map<String, String> out = new HashMap<>();
    Map<String, ParamSpec> byName = new HashMap<>();
    for (ParamSpec s : specs) {
      byName.put(s.name(), s);
      if (s.defaultValue() != null) {
        out.put(s.name(), s.defaultValue());
      }
    }
    for (Map.Entry<String, String> e : given.entrySet()) {
      ParamSpec s = byName.get(e.getKey());
      if (s == null) {
        throw new IllegalArgumentException("'" + owner + "' has no parameter '" + e.getKey() + "'"
            + (byName.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", byName.keySet()) + ")"));
      }
      String v = e.getValue().trim();
      try {
        switch (s.type()) {
          case DOUBLE -> {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
              throw new NumberFormatException("not finite");
            }
          }
          case INT -> Integer.parseInt(v);
          case BOOLEAN -> {
            if (!Set.of("true", "false").contains(v)) {
              throw new NumberFormatException("expected true or false");
            }
          }
          case STRING -> { }
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("'" + owner + "' parameter '" + s.name() + "' must be "
            + s.type().name().toLowerCase() + ", got '" + v + "'");
      }
      out.put(s.name(), v);
    }
    return new ExtensionParams(owner, out);
  }

  public double getDouble(String name) {
    return Double.parseDouble(require(name));
  }

  public int getInt(String name) {
    return Integer.parseInt(require(name));
  }

  public boolean getBoolean(String name) {
    return Boolean.parseBoolean(require(name));
  }

  public String getString(String name) {
    return require(name);
  }

  public Map<String, String> asMap() {
    return values;
  }

  private String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("'" + owner + "' parameter '" + name + "' has no value");
    }
    return v;
  }
}
