package io.flotilla.engine.spi;

import java.util.List;

/** Creates {@link UpdateValidator} instances; found with {@link java.util.ServiceLoader}. Thread-safe. */
public interface UpdateValidatorProvider {
  String name();

  String description();

  List<ParamSpec> parameters();

  UpdateValidator create(ExtensionParams params);
}
