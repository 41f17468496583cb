package io.flotilla.engine.api;

import io.flotilla.engine.model.ModelState;
import java.time.Instant;

/**
 * A calibration request sent to a participant: evaluate {@code model} on local data and report per-feature
 * statistics and the label histogram; train nothing. The answer goes to
 * {@link Federation#submitCalibration} carrying the same id and nonce. Immutable.
 */
public record CalibrationTask(long calibrationId, ModelState model, Instant deadline, long nonce) {}
