package io.flotilla.engine.spi;

import java.util.List;

/** Creates {@link SelectionPolicy} instances; found with {@link java.util.ServiceLoader}. Thread-safe. */
public interface SelectionPolicyProvider {
  String name();

  String description();

  List<ParamSpec> parameters();

  SelectionPolicy create(ExtensionParams params);
}
