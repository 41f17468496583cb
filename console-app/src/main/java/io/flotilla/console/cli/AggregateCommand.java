package io.flotilla.console.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.SafetensorsException;
import io.flotilla.engine.model.SafetensorsFile;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla aggregate}: applies any registered aggregation strategy to model files offline, so a
 * round can be reproduced by hand.
 *
 * <p>Inputs are full model weights of one layout (tensors matched by name). Without {@code --base} the base
 * model is all zeros and each input is its own delta, so the mean family returns the weighted mean of the
 * inputs exactly ({@code fedavg}: {@code Σ w_k x_k / Σ w_k}, summed in double precision, rounded once to
 * float32). With {@code --base B} each delta is {@code input − B} and the strategy steps from {@code B}, as
 * the coordinator does; with {@code --deltas} the inputs already are deltas. Weights are the updates'
 * sample counts (decimals are scaled to integers, which leaves their ratios unchanged). A fresh strategy
 * instance is used: stateful strategies (server optimizers) take their first step.
 *
 * <p>Any bad input (unreadable or corrupt file, mismatched tensors, non-finite values, bad weights) exits
 * with status 2 and a message naming the file and the problem; the output is then not written.
 */
@Command(name = "aggregate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Aggregate model files (safetensors) with any registered strategy, offline.")
public final class AggregateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--strategy", required = true, paramLabel = "NAME[:k=v,...]", description = "aggregation strategy, e.g. fedavg or trimmed-mean:trim=0.2")
  String strategy;

  @Option(names = "--weights", paramLabel = "w1,w2,...", split = ",",
      description = "one positive weight per input (sample counts; default: all 1)")
  List<String> weights;

  @Option(names = "--base", paramLabel = "BASE.safetensors",
      description = "the round's base model: deltas are input - base and the result steps from it (default: zeros)")
  Path base;

  @Option(names = "--deltas", description = "the inputs are deltas (what participants send), not weights; needs --base")
  boolean deltas;

  @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "where to write the result")
  Path out;

  @Option(names = "--plugins", paramLabel = "DIR", description = "also load strategies from the jars in DIR")
  Path plugins;

  @Parameters(arity = "1..*", paramLabel = "IN.safetensors", description = "input model files")
  List<Path> inputs;

  /** A refusal with the message to print; exit status 2. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      String summary = aggregate();
      spec.commandLine().getOut().println(summary);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (BadInput e) {
      err.println("flotilla aggregate: " + e.getMessage() + "; " + out + " was not written");
      err.flush();
      return 2;
    }
  }

  private String aggregate() throws BadInput {
    if (deltas && base == null) {
      throw new BadInput("--deltas needs --base (the model the deltas apply to)");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new BadInput("--out: folder " + parent + " does not exist");
    }
    long[] samples = sampleCounts();
    AggregationStrategy s;
    try {
      s = (plugins == null ? Extensions.load() : Extensions.load(plugins)).strategy(strategy);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--strategy: " + e.getMessage());
    }
    SafetensorsFile first = read(inputs.get(0));
    ParameterLayout layout = first.layout();
    ModelState baseModel;
    if (base != null) {
      baseModel = ModelState.of(layout, params(read(base), layout, base), 0);
    } else {
      baseModel = ModelState.of(layout, new float[layout.size()], 0);
    }
    RoundAggregator agg = s.begin(baseModel);
    List<Map<String, String>> described = new ArrayList<>();
    try {
      for (int k = 0; k < inputs.size(); k++) {
        Path in = inputs.get(k);
        float[] x = params(k == 0 ? first : read(in), layout, in);
        float[] delta = x;
        if (base != null && !deltas) {
          delta = new float[x.length];
          for (int i = 0; i < x.length; i++) {
            delta[i] = x[i] - baseModel.get(i);
          }
        }
        agg.accept(new Update("input-" + (k + 1), 1, 0, 0, delta, samples[k], 1, 1, Map.of(),
            new Provenance("offline", 0, samples[k], null)), 1.0);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("file", in.getFileName().toString());
        d.put("sha256", ModelState.of(layout, x, 0).sha256());
        d.put("weight", Long.toString(samples[k]));
        described.add(d);
      }
      Optional<float[]> result;
      try {
        result = agg.aggregate();
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new BadInput("strategy '" + s.name() + "' cannot aggregate these " + inputs.size() + " input(s): "
            + e.getMessage());
      }
      if (result.isEmpty()) {
        throw new BadInput("strategy '" + s.name() + "' produced no model (did every input carry zero weight?)");
      }
      ModelState model = ModelState.of(layout, result.get(), 0);
      if (!model.isFinite()) {
        throw new BadInput("strategy '" + s.name() + "' produced NaN or infinite values");
      }
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("format", "pt");
      meta.put("flotilla.strategy", strategy);
      meta.put("flotilla.inputs", json(described));
      if (base != null) {
        meta.put("flotilla.base", base.getFileName().toString());
        meta.put("flotilla.inputs_are", deltas ? "deltas" : "weights");
      }
      meta.put("flotilla.sha256", model.sha256());
      meta.put("flotilla.layout", layout.canonical());
      try {
        SafetensorsFile.of(model, meta).write(out);
      } catch (IOException e) {
        throw new BadInput("cannot write " + out + ": " + e.getMessage());
      }
      return "aggregated " + inputs.size() + " input(s) with " + strategy + " into " + out + " (sha256 "
          + model.sha256() + ")";
    } finally {
      agg.close();
    }
  }

  private long[] sampleCounts() throws BadInput {
    int n = inputs.size();
    long[] out = new long[n];
    if (weights == null || weights.isEmpty()) {
      java.util.Arrays.fill(out, 1);
      return out;
    }
    if (weights.size() != n) {
      throw new BadInput("--weights has " + weights.size() + " value(s) for " + n + " input(s)");
    }
    BigDecimal[] w = new BigDecimal[n];
    int scale = 0;
    for (int i = 0; i < n; i++) {
      try {
        w[i] = new BigDecimal(weights.get(i).trim());
      } catch (NumberFormatException e) {
        throw new BadInput("--weights: '" + weights.get(i) + "' is not a number");
      }
      if (w[i].signum() <= 0) {
        throw new BadInput("--weights: weight " + (i + 1) + " must be positive, got " + weights.get(i));
      }
      scale = Math.max(scale, w[i].stripTrailingZeros().scale());
    }
    if (scale > 9) {
      throw new BadInput("--weights: use at most 9 decimals");
    }
    for (int i = 0; i < n; i++) {
      try {
        out[i] = w[i].movePointRight(Math.max(scale, 0)).longValueExact();
      } catch (ArithmeticException e) {
        throw new BadInput("--weights: weight " + (i + 1) + " is too large");
      }
    }
    return out;
  }

  private static SafetensorsFile read(Path p) throws BadInput {
    try {
      return SafetensorsFile.read(p);
    } catch (SafetensorsException e) {
      throw new BadInput(e.getMessage());
    }
  }

  private static float[] params(SafetensorsFile f, ParameterLayout layout, Path source) throws BadInput {
    float[] p;
    try {
      p = f.parametersIn(layout, source.toString());
    } catch (SafetensorsException e) {
      throw new BadInput(e.getMessage() + " (compared with the first input)");
    }
    for (int i = 0; i < p.length; i++) {
      if (!Float.isFinite(p[i])) {
        throw new BadInput(source + ": holds NaN or infinite values");
      }
    }
    return p;
  }

  private static String json(Object o) {
    try {
      return new ObjectMapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
