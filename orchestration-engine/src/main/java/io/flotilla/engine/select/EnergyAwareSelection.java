package io.flotilla.engine.select;

import io.flotilla.engine.api.Health;
import io.flotilla.engine.spi.SelectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Availability- and energy-aware selection: skips participants whose last heartbeat reports a battery
 * below {@code minBattery} while not charging, or a CPU load above {@code maxLoad}, then samples uniformly
 * among the rest (in the spirit of resource-aware selection such as FedCS, Nishio and Yonetani, "Client
 * Selection for Federated Learning with Heterogeneous Resources in Mobile Edge", ICC 2019). A participant
 * that never sent a heartbeat is eligible. May return fewer than asked when too few are fit. Deterministic
 * for a generator; stateless and thread-safe.
 */
public final class EnergyAwareSelection implements SelectionPolicy {
  private final double minBattery;
  private final double maxLoad;

  public EnergyAwareSelection(double minBattery, double maxLoad) {
    this.minBattery = minBattery;
    this.maxLoad = maxLoad;
  }

  @Override
  public String name() {
    return "energy-aware";
  }

  /** Whether a participant in this health may be asked to train. */
  public boolean fit(Health h) {
    if (h == null) {
      return true;
    }
    boolean batteryOk = h.battery() == null || h.charging() || h.battery() >= minBattery;
    return batteryOk && h.cpuLoad() <= maxLoad;
  }

  @Override
  public List<String> select(List<Candidate> candidates, int count, SplittableRandom random) {
    List<String> fitIds = new ArrayList<>();
    for (Candidate c : candidates) {
      if (fit(c.health())) {
        fitIds.add(c.id());
      }
    }
    int k = Math.min(count, fitIds.size());
    Shuffle.front(fitIds, k, random);
    return List.copyOf(fitIds.subList(0, k));
  }
}
