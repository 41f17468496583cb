package io.flotilla.engine.validate;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.UpdateValidator;
import io.flotilla.engine.spi.UpdateValidatorProvider;
import java.util.List;

/** Provides {@link DirectionValidator} as {@code direction[:z=Z,min-history=N,mad-floor=M,max-cosine=C,min-cosine=F]}. */
public final class DirectionValidatorProvider implements UpdateValidatorProvider {
  @Override
  public String name() {
    return "direction";
  }

  @Override
  public String description() {
    return "rejects updates whose cosine to the last aggregate step is far below recent honest ones";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofDouble("z", 3.5, "largest modified z-score below the median cosine"),
        ParamSpec.ofInt("min-history", 5, "accepted cosines needed before the relative check applies"),
        ParamSpec.ofDouble("mad-floor", 0.05, "smallest MAD of cosines used"),
        ParamSpec.ofDouble("max-cosine", 0.0, "updates with a cosine at least this are never flagged"),
        ParamSpec.ofDouble("min-cosine", -0.9, "updates with a cosine below this are always flagged"));
  }

  @Override
  public UpdateValidator create(ExtensionParams p) {
    double z = p.getDouble("z");
    int h = p.getInt("min-history");
    double floor = p.getDouble("mad-floor");
    double max = p.getDouble("max-cosine");
    double min = p.getDouble("min-cosine");
    if (!(z > 0)) {
      throw new IllegalArgumentException("'direction' parameter 'z' must be > 0, got " + z);
    }
    if (h < 1) {
      throw new IllegalArgumentException("'direction' parameter 'min-history' must be >= 1, got " + h);
    }
    if (!(floor > 0)) {
      throw new IllegalArgumentException("'direction' parameter 'mad-floor' must be > 0, got " + floor);
    }
    if (!(max >= -1 && max <= 1) || !(min >= -1 && min <= 1)) {
      throw new IllegalArgumentException("'direction' parameters 'max-cosine' and 'min-cosine' must be in [-1, 1]");
    }
    return new DirectionValidator(z, h, floor, max, min);
  }
}
