package io.flotilla.engine.spi;

import java.util.Objects;

/**
 * A typed, documented parameter of an extension, so the console can render and validate it.
 *
 * @param defaultValue text form of the default (as it would be written after {@code name=})
 */
public record ParamSpec(String name, Type type, String defaultValue, String description) {
  /** Parameter value types. */
  public enum Type { DOUBLE, INT, BOOLEAN, STRING }

  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
  }

  public static ParamSpec ofDouble(String name, double def, String description) {
    return new ParamSpec(name, Type.DOUBLE, Double.toString(def), description);
  }

  public static ParamSpec ofInt(String name, int def, String description) {
    return new ParamSpec(name, Type.INT, Integer.toString(def), description);
  }

  public static ParamSpec ofBoolean(String name, boolean def, String description) {
    return new ParamSpec(name, Type.BOOLEAN, Boolean.toString(def), description);
  }

  public static ParamSpec ofString(String name, String def, String description) {
    return new ParamSpec(name, Type.STRING, def, description);
  }
}
