package io.flotilla.engine.spi;

import java.util.List;

/**
 * Creates {@link AggregationStrategy} instances; found with {@link java.util.ServiceLoader} (built-ins and
 * plugin jars alike). Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface AggregationStrategyProvider {
  String name();

  String description();

  List<ParamSpec> parameters();

  /**
   * Creates a strategy from validated parameters.
   *
   * @throws IllegalArgumentException when parameter values are inconsistent (named in the message)
   */
  AggregationStrategy create(ExtensionParams params);
}
