package io.flotilla.engine.spi;

import java.util.List;

/** Creates {@link DriftDetector} instances; found with {@link java.util.ServiceLoader}. Thread-safe. */
public interface DriftDetectorProvider {
  String name();

  String description();

  List<ParamSpec> parameters();

  DriftDetector create(ExtensionParams params);
}
