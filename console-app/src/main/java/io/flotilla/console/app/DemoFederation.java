package io.flotilla.console.app;

import io.flotilla.sim.inprocess.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The federation that {@code flotilla console --demo} runs embedded: Fashion-MNIST split non-IID over 20
 * simulated participants when the Debian package {@code dataset-fashion-mnist} is installed, otherwise
 * FedProx Synthetic(1, 1) over 30 participants with its natural split (learning rate and batch size as in
 * the FedProx paper, the command line's defaults). Rounds are spaced so that a person can follow them.
 * Devices are mixed (phones that drop out now and then, laptops, servers) and one participant in ten
 * flips the sign of its updates, so the timeline, the participants' health and the alarms have something
 * to show: the coordinator's norm screening refuses those updates and suspends their senders. (The
 * direction validator is left out: on this non-IID split it also suspends honest participants.)
 * Stateless and thread-safe.
 */
public final class DemoFederation {
  /** Where {@code apt-get install dataset-fashion-mnist} puts the IDX files. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  static final Duration ROUND_INTERVAL = Duration.ofMillis(300);

  private DemoFederation() {}

  /** The demo configuration for this machine (checks the file system, so call it off the FX thread). */
  public static SimulationConfig config() {
    return config(FASHION_MNIST_DIR);
  }

  /** The demo configuration, looking for Fashion-MNIST in {@code fashionMnistDir}. */
  public static SimulationConfig config(Path fashionMnistDir) {
    if (Files.exists(fashionMnistDir.resolve("train-images-idx3-ubyte.gz"))) {
      return SimulationConfig.builder()
          .dataset("fashion-mnist:" + fashionMnistDir)
          .partition("dirichlet:0.5")
          .participants(20)
          .perRound(10)
          .model("logreg")
          .learningRate(0.05f)
          .batchSize(32)
          .localEpochs(1)
          .rounds(500)
          .roundInterval(ROUND_INTERVAL)
          .devices("mixed")
          .adversaries("sign-flip:0.1")
          .validation("norm")
          .build();
    }
    return SimulationConfig.builder()
        .dataset("synthetic:1,1")
        .partition("natural")
        .participants(30)
        .perRound(10)
        .model("logreg")
        .rounds(500)
        .roundInterval(ROUND_INTERVAL)
        .devices("mixed")
        .adversaries("sign-flip:0.1")
        .validation("norm")
        .build();
  }
}
