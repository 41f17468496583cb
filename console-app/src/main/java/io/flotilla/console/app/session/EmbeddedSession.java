package io.flotilla.console.app.session;

import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.console.app.history.StoreHistory;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process simulated federation that the console runs embedded. Loading (reading the data set,
 * partitioning it, letting every participant join) happens on a background thread; {@link #ready()}
 * completes with the simulation, or exceptionally with the reason it could not be built.
 *
 * <p>With {@link #openWithHistory} the federation is persisted in an H2 store (in a state directory, or a
 * temporary one deleted on close), which gives the console its model versions, rollback and audit log
 * ({@link #history()}).
 *
 * <p>Thread-safety: all methods may be called from any thread and none blocks (so the FX thread may call
 * them). {@link #close()} is idempotent; a simulation that finishes loading after it is closed at once.
 */
public final class EmbeddedSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSession.class);

  private final SimulationConfig config;
  private final ExecutorService loader;
  private final CompletableFuture<Loaded> loaded;
  private volatile boolean closed;
  private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

  /** What loading produced: the simulation and, when persisted, its store and where it lives. */
  private record Loaded(InProcessSimulation sim, JdbcFederationStore store, FederationHistory history,
      Path temporaryDir, EmbeddedServer server) {
    Loaded withServer(EmbeddedServer s) {
      return new Loaded(sim, store, history, temporaryDir, s);
    }
  }

  /**
   * A loaded session: the simulation, its stored history (null when it keeps none) and the coordinator
   * server participants join it through (null when it serves none).
   *
   * @param simulation built, participants joined, rounds not started
   */
  public record Ready(InProcessSimulation simulation, FederationHistory history, EmbeddedServer server) {
    public Ready(InProcessSimulation simulation, FederationHistory history) {
      this(simulation, history, null);
    }
  }

  /**
   * Makes the transport of the federation's server once the federation and its store are loaded (on the
   * loader thread): plaintext, or mutual TLS over the store's trust tables.
   */
  @FunctionalInterface
  public interface ServerTransport {
    /**
     * @param store the federation's store, or null when it keeps none
     * @param federation the federation's name
     */
    TransportConfig make(ServeSpec spec, JdbcFederationStore store, String federation);
  }

  private EmbeddedSession(SimulationConfig config, Function<SimulationConfig, Loaded> build, ServeSpec serve,
      Function<ServeSpec, TransportConfig> transport) {
    this(config, build, serve, transport == null ? null : (ServerTransport) (sp, st, f) -> transport.apply(sp), 0);
  }

  private EmbeddedSession(SimulationConfig config, Function<SimulationConfig, Loaded> build, ServeSpec serve,
      ServerTransport transport, int unused) {
    // once the federation is built, bind its server (on the loader thread too): a port in use fails the load
    Function<SimulationConfig, Loaded> factory = serve == null ? build : c -> {
      Loaded l = build.apply(c);
      try {
        TransportConfig t = transport.make(serve, l.store(), l.sim().federation().config().name());
        return l.withServer(EmbeddedServer.start(l.sim().federation(), serve, t));
      } catch (RuntimeException e) {
        closeNow(l);
        throw e;
      }
    };
    this.config = config;
    this.loader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flotilla-console-loader");
      t.setDaemon(true);
      return t;
    });
    this.loaded = CompletableFuture.supplyAsync(() -> compacted(factory.apply(config)), loader);
    loader.shutdown(); // one task only; the thread ends when it is done
  }

  /** Starts loading {@code config} in the background with {@link InProcessSimulation#create}, keeping no history. */
  public static EmbeddedSession open(SimulationConfig config) {
    return open(config, InProcessSimulation::createMonitored);
  }

  /** Starts loading with {@code factory} (tests substitute their own); keeps no history. */
  public static EmbeddedSession open(SimulationConfig config,
      Function<SimulationConfig, InProcessSimulation> factory) {
    Objects.requireNonNull(factory, "factory");
    return new EmbeddedSession(Objects.requireNonNull(config, "config"),
        c -> new Loaded(factory.apply(c), null, null, null, null), null, null);
  }

  /**
   * Starts loading {@code config} persisted in {@code stateDir} (resuming the federation stored there), or,
   * when {@code stateDir} is null, in a temporary directory that {@link #close()} deletes.
   */
  public static EmbeddedSession openWithHistory(SimulationConfig config, Path stateDir) {
    return openWithHistory(config, stateDir, null, EmbeddedServer::plaintext);
  }

  /**
   * As {@link #openWithHistory(SimulationConfig, Path)}, and once loaded also serves the federation to
   * participant processes over gRPC on {@code serve} (when not null) with the transport {@code transport}
   * makes for it (plaintext: {@link EmbeddedServer#plaintext}). An address that cannot be bound fails the
   * load with a message naming it, and nothing is left running.
   */
  public static EmbeddedSession openWithHistory(SimulationConfig config, Path stateDir, ServeSpec serve,
      Function<ServeSpec, TransportConfig> transport) {
    return new EmbeddedSession(Objects.requireNonNull(config, "config"), historyFactory(stateDir), serve,
        Objects.requireNonNull(transport, "transport"));
  }

  /**
   * As {@link #openWithHistory(SimulationConfig, Path, ServeSpec, Function)}, with a transport made from the
   * loaded federation's store (mutual TLS over its trust tables).
   */
  public static EmbeddedSession openServed(SimulationConfig config, Path stateDir, ServeSpec serve,
      ServerTransport transport) {
    return new EmbeddedSession(Objects.requireNonNull(config, "config"), historyFactory(stateDir),
        Objects.requireNonNull(serve, "serve"), Objects.requireNonNull(transport, "transport"), 0);
  }

  /** As {@link #openWithHistory(SimulationConfig, Path, ServeSpec, Function)} over plaintext gRPC. */
  public static EmbeddedSession openWithHistory(SimulationConfig config, Path stateDir, ServeSpec serve) {
    return openWithHistory(config, stateDir, serve, EmbeddedServer::plaintext);
  }

  /** As {@link #open(SimulationConfig)}, serving the federation over plaintext gRPC on {@code serve} once loaded. */
  public static EmbeddedSession open(SimulationConfig config, ServeSpec serve) {
    return open(config, InProcessSimulation::createMonitored, serve, EmbeddedServer::plaintext);
  }

  /** As {@link #open(SimulationConfig, Function)}, serving the federation on {@code serve} once loaded. */
  public static EmbeddedSession open(SimulationConfig config, Function<SimulationConfig, InProcessSimulation> factory,
      ServeSpec serve, Function<ServeSpec, TransportConfig> transport) {
    Objects.requireNonNull(factory, "factory");
    return new EmbeddedSession(Objects.requireNonNull(config, "config"),
        c -> new Loaded(factory.apply(c), null, null, null, null), serve, Objects.requireNonNull(transport));
  }

  /**
   * Collects the whole heap once the simulation is built, still while the console shows it loading. The
   * participants' data (a thousand arrays of tens of kilobytes for the demo fleets) is live for the whole
   * run; left to the young collector it is copied between survivor spaces in every young pause until it is
   * old enough to promote (the GC log showed young pauses of 40–58 ms spent almost all in copying, each a
   * stall of the FX thread). A full collection moves it to the old generation at once, before the first
   * round (one pause of a fraction of a second while loading). {@code -Dflotilla.console.compactAfterLoad=false} turns it off.
   */
  private static Loaded compacted(Loaded l) {
    if (Boolean.parseBoolean(System.getProperty("flotilla.console.compactAfterLoad", "true"))) {
      long t0 = System.nanoTime();
      System.gc();
      log.debug("heap compacted after loading in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
    return l;
  }

  private static Function<SimulationConfig, Loaded> historyFactory(Path stateDir) {
    return c -> {
      Path temp = null;
      Path dir = stateDir;
      try {
        if (dir == null) {
          temp = Files.createTempDirectory("flotilla-console-");
          dir = temp;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary state directory", e);
      }
      JdbcFederationStore store = JdbcFederationStore.openDirectory(dir);
      try {
        InProcessSimulation sim = InProcessSimulation.createMonitored(c, store);
        return new Loaded(sim, store, new StoreHistory(store, sim.federation().config().name()), temp, null);
      } catch (RuntimeException e) {
        store.close();
        deleteQuietly(temp);
        throw e;
      }
    };
  }

  public SimulationConfig config() {
    return config;
  }

  /** Completes on the loader thread once the simulation is built (participants joined, rounds not started). */
  public CompletableFuture<InProcessSimulation> ready() {
    return loaded.thenApply(Loaded::sim);
  }

  /** Completes with the federation's stored history once loaded; with null when it keeps none. */
  public CompletableFuture<FederationHistory> history() {
    return loaded.thenApply(Loaded::history);
  }

  /** Completes with the federation's store once loaded; with null when it keeps none (the console's trust layer). */
  public CompletableFuture<JdbcFederationStore> store() {
    return loaded.thenApply(Loaded::store);
  }

  /** Completes with the simulation and its history once loaded. */
  public CompletableFuture<Ready> loaded() {
    return loaded.thenApply(l -> new Ready(l.sim(), l.history(), l.server()));
  }

  /** Closes the simulation (stopping its federation) on a separate thread, so the caller never waits. */
  @Override
  public void close() {
    closeAsync();
  }

  /**
   * As {@link #close()}; the future completes once the server, the federation and its store are closed
   * (a session still loading is closed as soon as it has loaded). Idempotent: every call returns the same
   * future.
   */
  public CompletableFuture<Void> closeAsync() {
    synchronized (closedFuture) {
      if (closed) {
        return closedFuture;
      }
      closed = true;
    }
    loaded.whenComplete((l, error) -> {
      if (l == null) {
        closedFuture.complete(null);
        return;
      }
      // Not a daemon: the JVM waits for the federation to stop cleanly (and its store to close) before it exits.
      Thread t = new Thread(() -> {
        try {
          closeNow(l);
        } finally {
          closedFuture.complete(null);
        }
      }, "flotilla-console-close");
      t.start();
    });
    return closedFuture;
  }

  private static void closeNow(Loaded l) {
    if (l.server() != null) {
      try {
        l.server().close(); // first: participants are told the coordinator goes away before it stops
      } catch (RuntimeException e) {
        log.warn("closing the embedded coordinator server failed", e);
      }
    }
    try {
      l.sim().close();
    } catch (RuntimeException e) {
      log.warn("closing the embedded simulation failed", e);
    }
    if (l.store() != null) {
      try {
        l.store().close();
      } catch (RuntimeException e) {
        log.warn("closing the embedded federation's store failed", e);
      }
    }
    deleteQuietly(l.temporaryDir());
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.debug("could not delete {}", p, e);
        }
      });
    } catch (IOException e) {
      log.warn("could not delete the temporary state directory {}", dir, e);
    }
  }
}
