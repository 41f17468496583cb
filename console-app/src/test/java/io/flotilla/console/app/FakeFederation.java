package io.flotilla.console.app;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Subscription;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link Federation} for view-model tests: records commands, hands subscribers to the test, answers
 * snapshots and rollbacks with futures the test completes.
 */
public final class FakeFederation {
  public final List<String> commands = new ArrayList<>();
  public final List<Consumer<FederationEvent>> listeners = new ArrayList<>();
  public final List<CompletableFuture<FederationSnapshot>> snapshots = new ArrayList<>();
  public final List<CompletableFuture<Long>> rollbacks = new ArrayList<>();
  public FederationState state = FederationState.CREATED;
  public final Federation federation;

  public FakeFederation() {
    federation = (Federation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Federation.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "subscribe" -> {
            @SuppressWarnings("unchecked")
            Consumer<FederationEvent> l = (Consumer<FederationEvent>) args[0];
            listeners.add(l);
            yield (Subscription) () -> listeners.remove(l);
          }
          case "state" -> state;
          case "start", "pause", "resume", "stop" -> {
            commands.add(method.getName());
            yield null;
          }
          case "snapshot" -> {
            CompletableFuture<FederationSnapshot> f = new CompletableFuture<>();
            snapshots.add(f);
            yield f;
          }
          case "rollback" -> {
            commands.add("rollback " + args[0] + " " + args[1]);
            CompletableFuture<Long> f = new CompletableFuture<>();
            rollbacks.add(f);
            yield f;
          }
          case "toString" -> "fake federation";
          case "hashCode" -> 0;
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Publishes events to every subscriber, as the coordinator does. */
  public void publish(FederationEvent... events) {
    for (FederationEvent e : events) {
      for (Consumer<FederationEvent> l : List.copyOf(listeners)) {
        l.accept(e);
      }
    }
  }

  public void publish(List<FederationEvent> events) {
    publish(events.toArray(FederationEvent[]::new));
  }
}
