package io.flotilla.console.app;

import io.flotilla.console.app.scenario.ScenarioCatalog;
import io.flotilla.sim.inprocess.SimulationConfig;

/**
 * The federation that {@code flotilla console} runs when no scenario is named: the built-in scenario
 * {@value ScenarioCatalog#DEFAULT} ({@code resources/src/main/resources/scenarios/demo.yaml}): Fashion-MNIST
 * split non-IID over 20 simulated participants when the Debian package {@code dataset-fashion-mnist} is
 * installed, otherwise its fallback {@code demo-synthetic} (FedProx Synthetic(1, 1) over 30 participants).
 * Stateless and thread-safe.
 */
public final class DemoFederation {
  private DemoFederation() {}

  /** The demo configuration for this machine (reads the class path and the file system: not on the FX thread). */
  public static SimulationConfig config() {
    return new ScenarioCatalog().resolve(ScenarioCatalog.DEFAULT).config();
  }
}
