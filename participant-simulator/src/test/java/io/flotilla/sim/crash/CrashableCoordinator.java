package io.flotilla.sim.crash;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.StoreProbe;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The process the crash test kills: a coordinator with in-process simulated participants persisted in a
 * state directory, wired exactly as {@code flotilla simulate --state-dir} wires it (the same
 * {@link InProcessSimulation} over the same {@link JdbcFederationStore}), plus a way to hold still at a
 * chosen point so the test can SIGKILL it there.
 *
 * <p>Arguments: {@code STATE_DIR ROUNDS SEED [POINT ROUND]}, where POINT is a round phase (COLLECTING,
 * AGGREGATING, EVALUATING) or a commit step (BLOB_WRITTEN, IN_TRANSACTION, COMMITTED). Prints, flushed, one
 * line per durable commit ({@code COMMITTED round version sha256}), {@code PAUSED POINT ROUND} when it
 * holds, and {@code FINAL state version sha256} at the end.
 */
public final class CrashableCoordinator {
  private CrashableCoordinator() {}

  /** The simulation every run of the crash test uses (small, so a restart costs little). */
  static SimulationConfig config(int rounds, long seed) {
    return SimulationConfig.builder().dataset("synthetic:1,1").participants(12).perRound(4).minUpdates(2)
        .rounds(rounds).model("logreg").strategy("fedavg").localEpochs(2).batchSize(10).learningRate(0.01f)
        .seed(seed).validation("default").build();
  }

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    String pausePoint = args.length > 3 ? args[3] : null;
    long pauseRound = args.length > 4 ? Long.parseLong(args[4]) : -1;
    PrintStream out = System.out;

    JdbcFederationStore store = JdbcFederationStore.openDirectory(stateDir);
    store.setProbe((point, round) -> {
      if (point.name().equals(pausePoint) && round == pauseRound) {
        hold(out, point.name(), round);
      }
    });
    SimulationConfig cfg = config(rounds, seed);
    InProcessSimulation sim = InProcessSimulation.create(cfg, Extensions.load(), Clock.systemUTC(), store);
    sim.federation().subscribe(e -> {
      if (e instanceof FederationEvent.RoundCommitted c) {
        line(out, "COMMITTED " + c.roundId() + " " + c.version() + " " + c.modelSha256());
      } else if (e instanceof FederationEvent.RoundPhaseChanged p && p.to().name().equals(pausePoint)
          && p.roundId() == pauseRound) {
        hold(out, p.to().name(), p.roundId()); // holds the coordinator thread in that phase
      }
    });
    sim.start();
    while (!sim.await(Duration.ofSeconds(1))) {
      // rounds run as fast as the participants train
    }
    FederationState state = sim.federation().state();
    ModelState fin = sim.federation().globalModel();
    line(out, "FINAL " + state + " " + fin.version() + " " + fin.sha256());
    sim.close();
    store.close();
    System.exit(state == FederationState.FINISHED ? 0 : 1);
  }

  private static void line(PrintStream out, String s) {
    synchronized (out) {
      out.println(s);
      out.flush();
    }
  }

  private static void hold(PrintStream out, String point, long round) {
    line(out, "PAUSED " + point + " " + round);
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The points the test can stop the process at, in the order a round reaches them. */
  static final String[] POINTS = {RoundPhase.COLLECTING.name(), RoundPhase.AGGREGATING.name(),
      RoundPhase.EVALUATING.name(), StoreProbe.Point.BLOB_WRITTEN.name(), StoreProbe.Point.IN_TRANSACTION.name(),
      StoreProbe.Point.COMMITTED.name()};
}
