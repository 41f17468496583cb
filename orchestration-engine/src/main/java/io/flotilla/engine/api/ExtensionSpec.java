package io.flotilla.engine.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a configured extension: {@code NAME[:key=value,key=value]}, as written on the command
 * line ({@code --strategy fedprox:mu=1}) and in scenario files. Immutable.
 */
public record ExtensionSpec(String name, Map<String, String> params) {
  public ExtensionSpec {
    params = Map.copyOf(params);
  }

  /**
   * Parses {@code text}.
   *
   * @param kind what is being parsed ("strategy", "selection"), for the error message
   * @throws IllegalArgumentException naming the bad text
   */
  public static ExtensionSpec parse(String kind, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(kind + " must not be empty");
    }
    String t = text.trim();
    int colon = t.indexOf(':');
    String name = (colon < 0 ? t : t.substring(0, colon)).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(kind + " '" + text + "' has no name before ':'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (colon >= 0) {
      String rest = t.substring(colon + 1);
      if (rest.isBlank()) {
        throw new IllegalArgumentException(kind + " '" + text + "' has ':' but no parameters");
      }
      for (String kv : rest.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0 || eq == kv.length() - 1) {
          throw new IllegalArgumentException(
              kind + " '" + text + "': parameter '" + kv.trim() + "' is not of the form key=value");
        }
        String key = kv.substring(0, eq).trim();
        if (params.put(key, kv.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException(kind + " '" + text + "': parameter '" + key + "' given twice");
        }
      }
    }
    return new ExtensionSpec(name, params);
  }

  @Override
  public String toString() {
    if (params.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append(':');
    params.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue()).append(','));
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }
}
