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

  CentralEvaluator(Model model, Dataset train, Dataset test) {
    this.model = model;
    this.train = train;
    this.test = test;
  }

  @Override
  public Map<String, Double> evaluate(ModelState state) {
    float[] p = state.copyParameters();
    Evaluation tr = model.evaluate(p, train);
    Evaluation te = model.evaluate(p, test);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("train_loss", tr.loss());
    m.put("train_accuracy", tr.accuracy());
    m.put("test_loss", te.loss());
    m.put("test_accuracy", te.accuracy());
    return m;
  }
}
