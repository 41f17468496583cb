package io.flotilla.engine.validate;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.UpdateValidator;
import io.flotilla.engine.spi.UpdateValidatorProvider;
import java.util.List;

/** Provides {@link NormOutlierValidator} as {@code norm[:z=Z,min-history=N,mad-floor=M,min-ratio=R]}. */
public final class NormOutlierValidatorProvider implements UpdateValidatorProvider {
  @Override
  public String name() {
    return "norm";
  }

  @Override
  public String description() {
    return "rejects updates whose norm is an outlier (modified z-score of log-norm) or almost zero";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofDouble("z", 3.5, "largest modified z-score of the log-norm"),
        ParamSpec.ofInt("min-history", 5, "accepted norms needed before the check applies"),
        ParamSpec.ofDouble("mad-floor", 0.25, "smallest MAD of log-norms used (relative spread)"),
        ParamSpec.ofDouble("min-ratio", 0.001, "norms below this fraction of the median are rejected"));
  }

  @Override
  public UpdateValidator create(ExtensionParams p) {
    double z = p.getDouble("z");
    int h = p.getInt("min-history");
    double floor = p.getDouble("mad-floor");
    double ratio = p.getDouble("min-ratio");
    if (!(z > 0)) {
      throw new IllegalArgumentException("'norm' parameter 'z' must be > 0, got " + z);
    }
    if (h < 1) {
      throw new IllegalArgumentException("'norm' parameter 'min-history' must be >= 1, got " + h);
    }
    if (!(floor > 0)) {
      throw new IllegalArgumentException("'norm' parameter 'mad-floor' must be > 0, got " + floor);
    }
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("'norm' parameter 'min-ratio' must be in [0, 1), got " + ratio);
    }
    return new NormOutlierValidator(z, h, floor, ratio);
  }
}
