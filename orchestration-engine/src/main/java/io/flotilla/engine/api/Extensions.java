package io.flotilla.engine.api;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of extensions (aggregation strategies, selection policies), found with {@link ServiceLoader}
 * on the classpath and, optionally, in the jars of a plugins folder. Built-ins and plugins go through the
 * same path. A plugin that fails to load is reported in {@link #problems()} and skipped. Immutable after
 * construction; thread-safe.
 */
public final class Extensions {
  private static final Logger log = LoggerFactory.getLogger(Extensions.class);

  private final Map<String, AggregationStrategyProvider> strategies = new TreeMap<>();
  private final Map<String, SelectionPolicyProvider> selections = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  private Extensions() {}

  /** Extensions on the application classpath. */
  public static Extensions load() {
    Extensions e = new Extensions();
    e.scan(Extensions.class.getClassLoader(), "classpath");
    return e;
  }

  /** Extensions on the classpath plus every {@code *.jar} in {@code pluginDir} (if it exists). */
  public static Extensions load(Path pluginDir) {
    Extensions e = load();
    if (pluginDir == null || !Files.isDirectory(pluginDir)) {
      return e;
    }
    List<Path> jars;
    try (Stream<Path> s = Files.list(pluginDir)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException ex) {
      e.problems.add("cannot list plugin folder " + pluginDir + ": " + ex.getMessage());
      log.warn("cannot list plugin folder {}", pluginDir, ex);
      return e;
    }
    for (Path jar : jars) {
      try {
        URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Extensions.class.getClassLoader());
        e.scan(cl, jar.getFileName().toString());
      } catch (MalformedURLException ex) {
        e.problems.add("plugin " + jar + ": " + ex.getMessage());
      }
    }
    return e;
  }

  private void scan(ClassLoader cl, String origin) {
    loadAll(ServiceLoader.load(AggregationStrategyProvider.class, cl), origin, p -> strategies.putIfAbsent(p.name(), p));
    loadAll(ServiceLoader.load(SelectionPolicyProvider.class, cl), origin, p -> selections.putIfAbsent(p.name(), p));
  }

  private <T> void loadAll(ServiceLoader<T> loader, String origin, java.util.function.Consumer<T> sink) {
    var it = loader.iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return;
        }
        sink.accept(it.next());
      } catch (ServiceConfigurationError | LinkageError ex) {
        String msg = "skipped a broken extension from " + origin + ": " + ex.getMessage();
        problems.add(msg);
        log.warn(msg);
        if (ex instanceof LinkageError) {
          return;
        }
      }
    }
  }

  public List<AggregationStrategyProvider> strategies() {
    return List.copyOf(strategies.values());
  }

  public List<SelectionPolicyProvider> selections() {
    return List.copyOf(selections.values());
  }

  /** Plugins that could not be loaded, as human-readable lines. */
  public List<String> problems() {
    return Collections.unmodifiableList(problems);
  }

  /**
   * Creates a strategy from {@code NAME[:k=v,...]}.
   *
   * @throws IllegalArgumentException naming the unknown strategy or bad parameter
   */
  public AggregationStrategy strategy(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("strategy", spec);
    AggregationStrategyProvider p = strategies.get(s.name());
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown strategy '" + s.name() + "' (available: " + String.join(", ", strategies.keySet()) + ")");
    }
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  /** Creates a selection policy from {@code NAME[:k=v,...]}. */
  public SelectionPolicy selection(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("selection", spec);
    SelectionPolicyProvider p = selections.get(s.name());
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown selection policy '" + s.name() + "' (available: " + String.join(", ", selections.keySet()) + ")");
    }
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }
}
