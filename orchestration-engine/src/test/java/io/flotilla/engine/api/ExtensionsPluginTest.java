package io.flotilla.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins from a folder of jars: a real one is found; broken ones are reported and skipped. */
class ExtensionsPluginTest {
  static final String SERVICE = "META-INF/services/io.flotilla.engine.spi.AggregationStrategyProvider";

  /** Compiles a provider named {@code strategyName} that always returns the model plus one. */
  static Path compilePlugin(Path work, String pkg, String strategyName) throws IOException {
    Path src = work.resolve("src").resolve(pkg);
    Files.createDirectories(src);
    Files.writeString(src.resolve("PlusOneProvider.java"), """
        package %s;
        import io.flotilla.engine.spi.*;
        import io.flotilla.engine.api.Update;
        import io.flotilla.engine.model.ModelState;
        import java.util.*;
        public final class PlusOneProvider implements AggregationStrategyProvider {
          public String name() { return "%s"; }
          public String description() { return "adds one to every parameter"; }
          public List<ParamSpec> parameters() { return List.of(); }
          public AggregationStrategy create(ExtensionParams p) {
            return new AggregationStrategy() {
              public String name() { return "%s"; }
              public RoundAggregator begin(ModelState g) {
                return new RoundAggregator() {
                  int n;
                  public void accept(Update u) { n++; }
                  public int count() { return n; }
                  public Optional<float[]> aggregate() {
                    float[] out = g.copyParameters();
                    for (int i = 0; i < out.length; i++) { out[i] += 1; }
                    return Optional.of(out);
                  }
                };
              }
            };
          }
        }
        """.formatted(pkg, strategyName, strategyName));
    Path classes = work.resolve("classes-" + pkg);
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.resolve("PlusOneProvider.java").toString());
    assertThat(rc).as("javac").isZero();
    return classes;
  }

  static void jar(Path jar, Map<String, byte[]> entries) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
  }

  static void jarDir(Path jar, Path classes, String service) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(SERVICE));
      out.write(service.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  @Test
  void aPluginJarIsFoundAndBrokenOnesAreReportedAndSkipped(@TempDir Path tmp) throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path good = compilePlugin(tmp, "good", "plus-one");
    jarDir(plugins.resolve("a-good.jar"), good, "good.PlusOneProvider\n");
    try (OutputStream o = Files.newOutputStream(plugins.resolve("b-garbage.jar"))) {
      o.write("this is not a zip file".getBytes(StandardCharsets.UTF_8));
    }
    jar(plugins.resolve("c-missing-class.jar"), Map.of(SERVICE, "no.such.Provider\n".getBytes(StandardCharsets.UTF_8)));
    jar(plugins.resolve("d-no-services.jar"), Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));
    Path dup = compilePlugin(tmp, "dup", "fedavg"); // takes a built-in's name
    jarDir(plugins.resolve("e-duplicate.jar"), dup, "dup.PlusOneProvider\n");
    Files.writeString(plugins.resolve("notes.txt"), "not a jar, ignored");

    Extensions ext = Extensions.load(plugins);

    assertThat(ext.strategies()).extracting(p -> p.name()).contains("plus-one", "fedavg", "median");
    assertThat(ext.strategyOrigin("plus-one")).isEqualTo("a-good.jar");
    assertThat(ext.strategyOrigin("fedavg")).isEqualTo("classpath");
    AggregationStrategy s = ext.strategy("plus-one");
    ModelState g = ModelState.of(ParameterLayout.of(new TensorSpec("w", 2)), new float[] {1, 2}, 0);
    RoundAggregator agg = s.begin(g);
    assertThat(agg.aggregate()).get().satisfies(p -> assertThat(p).containsExactly(2f, 3f));

    List<String> problems = ext.problems();
    assertThat(problems).hasSize(4);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("b-garbage.jar").contains("not a readable jar"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("c-missing-class.jar").contains("no.such.Provider"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("d-no-services.jar").contains("no Flotilla extension"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("e-duplicate.jar").contains("'fedavg'")
        .contains("taken by classpath"));
    // the built-in fedavg is untouched by the duplicate
    assertThat(ext.strategy("fedavg").getClass().getName()).startsWith("io.flotilla.engine.aggregate");
  }

  @Test
  void aMissingFolderIsAProblemNotAnError(@TempDir Path tmp) {
    Extensions ext = Extensions.load(tmp.resolve("nope"));
    assertThat(ext.problems()).singleElement().satisfies(p -> assertThat(p).contains("nope"));
    assertThat(ext.strategies()).isNotEmpty();
  }

  @Test
  void extensionPointsForStoppingRulesAndDriftDetectorsAreDiscovered() {
    Extensions ext = Extensions.load();
    assertThat(ext.stoppingRules()).isNotNull();
    assertThat(ext.driftDetectors()).isNotNull();
    assertThat(ext.validators()).extracting(v -> v.name()).contains("norm", "direction");
    assertThat(ext.selections()).extracting(v -> v.name())
        .contains("uniform", "power-of-choice", "diversity", "energy-aware", "fair-quota");
  }
}
