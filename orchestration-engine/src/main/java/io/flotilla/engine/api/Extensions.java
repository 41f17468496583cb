package io.flotilla.engine.api;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.DriftDetector;
import io.flotilla.engine.spi.DriftDetectorProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.StoppingRuleProvider;
import io.flotilla.engine.spi.UpdateValidator;
import io.flotilla.engine.spi.UpdateValidatorProvider;
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
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of extensions (aggregation strategies, selection policies, update validators, stopping
 * rules, drift detectors), found with {@link ServiceLoader} on the classpath and, optionally, in the jars
 * of a plugins folder. Built-ins and plugins go through the same path; the first provider of a name wins
 * (built-ins before plugins, plugin jars in file-name order). A plugin that fails to load — a file that is
 * not a jar, a service entry naming a missing class, a provider that throws, a duplicate name — is
 * reported in {@link #problems()} and skipped, never fatal. Immutable after construction; thread-safe.
 */
public final class Extensions {
  private static final Logger log = LoggerFactory.getLogger(Extensions.class);

  private final Map<String, AggregationStrategyProvider> strategies = new TreeMap<>();
  private final Map<String, SelectionPolicyProvider> selections = new TreeMap<>();
  private final Map<String, UpdateValidatorProvider> validators = new TreeMap<>();
  private final Map<String, StoppingRuleProvider> stoppingRules = new TreeMap<>();
  private final Map<String, DriftDetectorProvider> driftDetectors = new TreeMap<>();
  private final Map<String, String> origins = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  private Extensions() {}

  /** Extensions on the application classpath. */
  public static Extensions load() {
    Extensions e = new Extensions();
    e.scan(Extensions.class.getClassLoader(), "classpath", false);
    return e;
  }

  /** Extensions on the classpath plus every {@code *.jar} in {@code pluginDir} (if it exists). */
  public static Extensions load(Path pluginDir) {
    Extensions e = load();
    if (pluginDir == null) {
      return e;
    }
    if (!Files.isDirectory(pluginDir)) {
      e.problem("plugin folder " + pluginDir + " does not exist or is not a folder");
      return e;
    }
    List<Path> jars;
    try (Stream<Path> s = Files.list(pluginDir)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException ex) {
      e.problem("cannot list plugin folder " + pluginDir + ": " + ex.getMessage());
      return e;
    }
    for (Path jar : jars) {
      String origin = jar.getFileName().toString();
      try (JarFile jf = new JarFile(jar.toFile())) {
        if (jf.stream().noneMatch(en -> en.getName().startsWith("META-INF/services/io.flotilla.engine.spi."))) {
          e.problem("plugin " + origin + " declares no Flotilla extension (no META-INF/services entry); skipped");
          continue;
        }
      } catch (IOException | SecurityException ex) {
        e.problem("plugin " + origin + " is not a readable jar (" + ex.getMessage() + "); skipped");
        continue;
      }
      try {
        URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Extensions.class.getClassLoader());
        e.scan(cl, origin, true);
      } catch (MalformedURLException ex) {
        e.problem("plugin " + origin + ": " + ex.getMessage());
      }
    }
    return e;
  }

  private void problem(String msg) {
    problems.add(msg);
    log.warn(msg);
  }

  private void scan(ClassLoader cl, String origin, boolean onlyOwn) {
    loadAll(AggregationStrategyProvider.class, cl, origin, onlyOwn, "strategy", strategies,
        AggregationStrategyProvider::name, AggregationStrategyProvider::parameters);
    loadAll(SelectionPolicyProvider.class, cl, origin, onlyOwn, "selection", selections,
        SelectionPolicyProvider::name, SelectionPolicyProvider::parameters);
    loadAll(UpdateValidatorProvider.class, cl, origin, onlyOwn, "validator", validators,
        UpdateValidatorProvider::name, UpdateValidatorProvider::parameters);
    loadAll(StoppingRuleProvider.class, cl, origin, onlyOwn, "stopping", stoppingRules,
        StoppingRuleProvider::name, StoppingRuleProvider::parameters);
    loadAll(DriftDetectorProvider.class, cl, origin, onlyOwn, "drift", driftDetectors,
        DriftDetectorProvider::name, DriftDetectorProvider::parameters);
  }

  private <T> void loadAll(Class<T> type, ClassLoader cl, String origin, boolean onlyOwn, String kind,
      Map<String, T> sink, Function<T, String> name, Function<T, List<ParamSpec>> params) {
    var it = ServiceLoader.load(type, cl).iterator();
    for (int guard = 0; guard < 10_000; guard++) {
      T provider;
      try {
        if (!it.hasNext()) {
          return;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError ex) {
        problem("skipped a broken " + kind + " extension from " + origin + ": " + ex.getMessage());
        continue; // the iterator moves on to the next entry
      }
      if (onlyOwn && provider.getClass().getClassLoader() != cl) {
        continue; // a classpath provider seen again through the plugin's parent loader
      }
      String n;
      try {
        n = name.apply(provider);
        params.apply(provider);
      } catch (RuntimeException | LinkageError ex) {
        problem("skipped " + kind + " extension " + provider.getClass().getName() + " from " + origin
            + ": it failed to describe itself (" + ex + ")");
        continue;
      }
      String key = kind + ":" + n;
      if (sink.containsKey(n)) {
        problem("skipped " + kind + " '" + n + "' from " + origin + ": the name is taken by " + origins.get(key));
        continue;
      }
      sink.put(n, provider);
      origins.put(key, origin);
    }
  }

  public List<AggregationStrategyProvider> strategies() {
    return List.copyOf(strategies.values());
  }

  public List<SelectionPolicyProvider> selections() {
    return List.copyOf(selections.values());
  }

  public List<UpdateValidatorProvider> validators() {
    return List.copyOf(validators.values());
  }

  public List<StoppingRuleProvider> stoppingRules() {
    return List.copyOf(stoppingRules.values());
  }

  public List<DriftDetectorProvider> driftDetectors() {
    return List.copyOf(driftDetectors.values());
  }

  /** Where the named strategy came from: {@code classpath} or a plugin jar's file name; null if unknown. */
  public String strategyOrigin(String name) {
    return origins.get("strategy:" + name);
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
    AggregationStrategyProvider p = require(strategies, "strategy", s.name());
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  /** Creates a selection policy from {@code NAME[:k=v,...]}. */
  public SelectionPolicy selection(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("selection", spec);
    SelectionPolicyProvider p = require(selections, "selection policy", s.name());
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  /** Creates an update validator from {@code NAME[:k=v,...]}. */
  public UpdateValidator validator(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("validator", spec);
    UpdateValidatorProvider p = require(validators, "validator", s.name());
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  /** Creates a stopping rule from {@code NAME[:k=v,...]}. */
  public StoppingRule stoppingRule(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("stopping rule", spec);
    StoppingRuleProvider p = require(stoppingRules, "stopping rule", s.name());
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  /** Creates a drift detector from {@code NAME[:k=v,...]}. */
  public DriftDetector driftDetector(String spec) {
    ExtensionSpec s = ExtensionSpec.parse("drift detector", spec);
    DriftDetectorProvider p = require(driftDetectors, "drift detector", s.name());
    return p.create(ExtensionParams.validate(s.name(), p.parameters(), s.params()));
  }

  private static <T> T require(Map<String, T> known, String kind, String name) {
    T p = known.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown " + kind + " '" + name + "' (available: "
          + (known.isEmpty() ? "none" : String.join(", ", known.keySet())) + ")");
    }
    return p;
  }
}
