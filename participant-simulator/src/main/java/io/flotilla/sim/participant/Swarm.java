package io.flotilla.sim.participant;

import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.Seeds;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Many participants of one {@link Scenario} in one process, each a full {@link ParticipantClient} with its
 * own session over real sockets. They share a few channels (HTTP/2 connections), one scheduler and one
 * worker pool, so a thousand participants need a handful of threads. {@link #close()} is idempotent.
 */
public final class Swarm implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<ParticipantClient> clients = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private volatile boolean closed;

  /**
   * Connects participants {@code first .. first+count-1} of {@code scenario}.
   *
   * @param connections channels to open (participants are spread over them round-robin)
   * @param threads worker threads for downloads, training and uploads
   * @param trainers the trainer of participant {@code i} (by default {@link SimulatedTrainer#forScenario})
   */
  public Swarm(String target, ChannelCredentials credentials, Scenario scenario, int first, int count,
      int connections, int threads, ParticipantClient.Options options, Clock clock, IntFunction<Trainer> trainers) {
    if (first < 0 || count < 1 || first + count > scenario.participants()) {
      throw new IllegalArgumentException("participants " + first + ".." + (first + count - 1)
          + " do not exist: the scenario has " + scenario.participants());
    }
    AtomicInteger n = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(1, r -> daemon(r, "flotilla-swarm-timer"));
    this.workers = Executors.newFixedThreadPool(Math.max(1, threads), r -> daemon(r, "flotilla-swarm-" + n.incrementAndGet()));
    int k = Math.max(1, Math.min(connections, count));
    for (int i = 0; i < k; i++) {
      channels.add(Channels.open(target, credentials));
    }
    for (int j = 0; j < count; j++) {
      int index = first + j;
      ParticipantClient.Options o = new ParticipantClient.Options(options.callTimeout(), options.sessionLifetime(),
          options.backoffBase(), options.backoffCap(), options.maxReconnects(), options.encodings(),
          options.maxModelBytes(), Seeds.derive(options.seed(), 0, index, 6), options.health());
      clients.add(new ParticipantClient(scenario.participantId(index), trainers.apply(index), channels.get(j % k),
          false, scheduler, workers, clock, o));
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Opens every participant's session. */
  public Swarm start() {
    for (ParticipantClient c : clients) {
      c.start();
    }
    return this;
  }

  public List<ParticipantClient> clients() {
    return List.copyOf(clients);
  }

  /** Waits until every participant holds a session; false on timeout. */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (clients.stream().allMatch(ParticipantClient::isConnected)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** True once every participant has stopped (the coordinator shut down, or they gave up). */
  public boolean allClosed() {
    return clients.stream().allMatch(ParticipantClient::isClosed);
  }

  public long bytesDownloaded() {
    return clients.stream().mapToLong(ParticipantClient::bytesDownloaded).sum();
  }

  public long bytesUploaded() {
    return clients.stream().mapToLong(ParticipantClient::bytesUploaded).sum();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ParticipantClient c : clients) {
      c.close();
    }
    workers.shutdownNow();
    scheduler.shutdownNow();
    for (ManagedChannel ch : channels) {
      ch.shutdown();
    }
    for (ManagedChannel ch : channels) {
      try {
        if (!ch.awaitTermination(2, TimeUnit.SECONDS)) {
          ch.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ch.shutdownNow();
      }
    }
  }
}
