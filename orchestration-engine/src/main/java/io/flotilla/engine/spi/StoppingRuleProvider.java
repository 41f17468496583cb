package io.flotilla.engine.spi;

import java.util.List;

/** Creates {@link StoppingRule} instances; found with {@link java.util.ServiceLoader}. Thread-safe. */
public interface StoppingRuleProvider {
  String name();

  String description();

  List<ParamSpec> parameters();

  StoppingRule create(ExtensionParams params);
}
