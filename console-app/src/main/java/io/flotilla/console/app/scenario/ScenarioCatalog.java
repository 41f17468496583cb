package io.flotilla.console.app.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flotilla.sim.inprocess.DatasetSpec;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scenarios the console can run: the built-in ones shipped in the {@code resources} jar under
 * {@code /scenarios/} (listed in {@code /scenarios/index.txt}) and any YAML file of the same format
 * ({@link ScenarioFile}). {@link #resolve} turns a name or a path into a ready {@link SimulationConfig},
 * following a scenario's {@code fallback} when its data set is not installed.
 *
 * <p>Reads the file system and the class path: call it off the FX thread. Thread-safe (immutable).
 */
public final class ScenarioCatalog {
  private static final Logger log = LoggerFactory.getLogger(ScenarioCatalog.class);

  /** The scenario {@code flotilla console} runs when none is named. */
  public static final String DEFAULT = "demo";
  private static final String ROOT = "/scenarios/";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final Predicate<Path> dataInstalled;

  /**
   * A scenario ready to run.
   *
   * @param name the scenario's name (the fallback's when one was taken)
   * @param description its description
   * @param source where it was read: {@code built-in} or the file's path
   * @param config the simulation to run
   * @param note why a fallback was taken, or null
   */
  public record Resolved(String name, String description, String source, SimulationConfig config, String note) {}

  /** A built-in scenario for the chooser. */
  public record Entry(String name, String description) {}

  /** Checks for Fashion-MNIST where {@code apt-get install dataset-fashion-mnist} (or the spec) puts it. */
  public ScenarioCatalog() {
    this(dir -> Files.exists(dir.resolve("train-images-idx3-ubyte.gz")));
  }

  /** @param dataInstalled whether the Fashion-MNIST IDX files are in a folder (tests decide) */
  public ScenarioCatalog(Predicate<Path> dataInstalled) {
    this.dataInstalled = Objects.requireNonNull(dataInstalled, "dataInstalled");
  }

  /** The built-in scenarios, in the index's order. */
  public List<Entry> builtIns() {
    List<Entry> out = new ArrayList<>();
    for (String name : builtInNames()) {
      ScenarioFile f = readBuiltIn(name);
      out.add(new Entry(name, f.description() == null ? "" : f.description()));
    }
    return out;
  }

  /** Names listed in {@code /scenarios/index.txt}. */
  public static List<String> builtInNames() {
    try (InputStream in = ScenarioCatalog.class.getResourceAsStream(ROOT + "index.txt")) {
      if (in == null) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String t = line.strip();
          if (!t.isEmpty() && !t.startsWith("#")) {
            names.add(t);
          }
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the scenario index", e);
    }
  }

  /**
   * A built-in scenario's name, or the path of a YAML file, made ready to run.
   *
   * @throws IllegalArgumentException naming the scenario and what is wrong (unknown name, missing file,
   *     malformed YAML, unknown key, a value the simulation refuses)
   */
  public Resolved resolve(String nameOrFile) {
    if (nameOrFile == null || nameOrFile.isBlank()) {
      throw new IllegalArgumentException("no scenario named: give a built-in name (" + String.join(", ",
          builtInNames()) + ") or a YAML file");
    }
    String t = nameOrFile.strip();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml") || t.contains("/") || Files.isRegularFile(Path.of(t))) {
      return resolveFile(Path.of(t));
    }
    return resolveBuiltIn(t, new HashSet<>());
  }

  /** A YAML scenario file made ready to run (its fallback, if any, names a built-in scenario). */
  public Resolved resolveFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("scenario file " + file + " does not exist");
    }
    ScenarioFile f;
    try (InputStream in = Files.newInputStream(file)) {
      f = parse(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("scenario file " + file + " cannot be read: " + e.getMessage(), e);
    }
    String name = f.name() != null ? f.name() : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return ready(name, f, file.toString(), new HashSet<>(Set.of(name)));
  }

  private Resolved resolveBuiltIn(String name, Set<String> seen) {
    if (!builtInNames().contains(name)) {
      throw new IllegalArgumentException("unknown scenario '" + name + "': built-in scenarios are "
          + String.join(", ", builtInNames()) + ", or give the path of a YAML file");
    }
    if (!seen.add(name)) {
      throw new IllegalArgumentException("scenario '" + name + "' falls back to itself (through " + seen + ")");
    }
    return ready(name, readBuiltIn(name), "built-in", seen);
  }

  private Resolved ready(String name, ScenarioFile f, String source, Set<String> seen) {
    SimulationConfig c;
    try {
      c = f.toConfig();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scenario " + name + " (" + source + "): " + e.getMessage(), e);
    }
    if (c.datasetSpec() instanceof DatasetSpec.FashionMnistDir d && !dataInstalled.test(d.dir())) {
      if (f.fallback() == null) {
        throw new IllegalArgumentException("scenario " + name + " needs Fashion-MNIST in " + d.dir()
            + " (apt-get install dataset-fashion-mnist)");
      }
      Resolved r = resolveBuiltIn(f.fallback(), seen);
      String note = "Fashion-MNIST is not installed in " + d.dir() + ": running " + r.name() + " instead of " + name;
      log.info(note);
      return new Resolved(r.name(), r.description(), r.source(), r.config(), note);
    }
    return new Resolved(name, f.description() == null ? "" : f.description(), source, c, null);
  }

  private static ScenarioFile readBuiltIn(String name) {
    try (InputStream in = ScenarioCatalog.class.getResourceAsStream(ROOT + name + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("built-in scenario '" + name + "' is listed but has no file "
            + ROOT + name + ".yaml");
      }
      return parse(in, "built-in scenario " + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in scenario " + name, e);
    }
  }

  /** Parses one scenario document; {@code source} names it in errors. */
  static ScenarioFile parse(InputStream in, String source) throws IOException {
    try {
      ScenarioFile f = YAML.readValue(in, ScenarioFile.class);
      if (f == null) {
        throw new IllegalArgumentException(source + " is empty");
      }
      return f;
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(source + ": unknown key '" + e.getPropertyName() + "' (known keys: "
          + String.join(", ", e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")", e);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      String msg = e.getOriginalMessage();
      int cut = msg.indexOf(" (class ");
      throw new IllegalArgumentException(source + where + ": " + (cut > 0 ? msg.substring(0, cut) : msg), e);
    }
  }
}
