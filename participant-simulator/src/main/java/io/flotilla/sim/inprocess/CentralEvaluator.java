package io.flotilla.sim.inprocess;

import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.learn.Evaluation;
import io.flotilla.sim.learn.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulator's view of the truth: evaluates a candidate global model on the union of all participants'
 * training data ({@code train_loss}, sample-weighted over participants by construction) and on the
 * held-out test set ({@code test_loss}, {@code test_accuracy}). Only a simulator can do this; a real
 * federation evaluates at the participants. Thread-safe (read-only data).
 */
final class CentralEvaluator implements ModelEvaluator {
  private final Model model;
  private final Dataset train;
  private final Dataset test;
  private final java.util.concurrent.atomic.AtomicReference<Normalization> normalization;

  CentralEvaluator(Model model, Dataset train, Dataset test) {
    this(model, train, test, new java.util.concurrent.atomic.AtomicReference<>());
  }

  /** Evaluates on data normalized as the last calibration round published (raw before any). */
  CentralEvaluator(Model model, Dataset train, Dataset test,
      java.util.concurrent.atomic.AtomicReference<Normalization> normalization) {
    this.model = model;
    this.train = train;
    this.test = test;
    this.normalization = normalization;
  }

  @Override
  public Map<String, Double> evaluate(ModelState state) {
    float[] p = state.copyParameters();
    Normalization n = normalization.get();
    Evaluation tr = model.evaluate(p, Normalization.apply(n, train));
    Evaluation te = model.evaluate(p, Normalization.apply(n, test));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("train_loss", tr.loss());
    m.put("train_accuracy", tr.accuracy());
    m.put("test_loss", te.loss());
    m.put("test_accuracy", te.accuracy());
    return m;
  }
}
