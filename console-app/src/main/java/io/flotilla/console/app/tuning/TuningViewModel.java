package io.flotilla.console.app.tuning;

import io.flotilla.engine.api.ExtensionSpec;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ParamSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Aggregation and tuning page's state: the settings in force (strategy, per round, deadline, local and
 * server learning rates, local epochs, from the federation's configuration and then every
 * {@code ConfigChanged} event), a draft the operator edits (strategy from the extension registry with its
 * typed {@link ParamSpec} parameters, and the round settings), the diff between them, and "apply from next
 * round" through {@link Federation#tune} (role-checked and audited by the console's federation). Also which
 * strategy each round used, for the round details. A draft that does not validate is refused with a message
 * naming the setting and nothing is sent. Thread-safety: UI thread, apart from the event listener, which
 * hands over to the UI executor.
 */
public final class TuningViewModel {
  private static final Logger log = LoggerFactory.getLogger(TuningViewModel.class);

  /** Round settings, in display order: key (as in {@link Tuning#asMap}) → label. */
  public static final Map<String, String> SETTINGS = settings();

  private final Executor ui;
  private final Extensions extensions;
  private final Map<String, String> current = new TreeMap<>();
  private final Map<String, String> draft = new TreeMap<>();
  private final Map<String, String> draftParams = new TreeMap<>();
  private final TreeMap<Long, String> strategyFrom = new TreeMap<>();
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper currentText = new ReadOnlyStringWrapper("");
  private final ReadOnlyLongWrapper changes = new ReadOnlyLongWrapper();
  private String draftStrategy = "";
  private Federation federation;
  private Subscription subscription;
  private String actor = "console";

  public TuningViewModel(Executor ui, Extensions extensions) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.extensions = Objects.requireNonNull(extensions, "extensions");
  }

  private static Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("per_round", "Participants per round");
    m.put("deadline_ms", "Round deadline (ms)");
    m.put("learning_rate", "Local learning rate");
    m.put("server_lr", "Server learning rate");
    m.put("local_epochs", "Local epochs");
    return m;
  }

  /**
   * Reads the settings in force and follows their changes. UI thread.
   *
   * @param strategy the strategy the federation was built with ({@code NAME[:k=v,...]})
   */
  public void attach(Federation fed, String strategy, String operatorName) {
    federation = Objects.requireNonNull(fed, "fed");
    actor = operatorName == null ? actor : operatorName;
    FederationConfig c = fed.config();
    current.put("strategy", strategy == null || strategy.isBlank() ? "fedavg" : strategy);
    current.put("per_round", Integer.toString(c.perRound()));
    current.put("deadline_ms", Long.toString(c.roundDeadline().toMillis()));
    current.put("learning_rate", Float.toString(c.learningRate()));
    current.put("server_lr", "1.0");
    current.put("local_epochs", Integer.toString(c.localEpochs()));
    strategyFrom.put(1L, current.get("strategy"));
    subscription = fed.subscribe(e -> {
      if (e instanceof FederationEvent.ConfigChanged cc) {
        ui.execute(() -> onConfigChanged(cc));
      }
    });
    reset();
  }

  /** Stops following the federation. */
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
  }

  void onConfigChanged(FederationEvent.ConfigChanged cc) {
    current.putAll(cc.newValues());
    String s = cc.newValues().get("strategy");
    if (s != null) {
      strategyFrom.put(cc.effectiveFromRound(), s);
    }
    changes.set(changes.get() + 1);
    message.set("Applies from round " + cc.effectiveFromRound() + ": " + cc.newValues() + " (by " + cc.actor() + ")");
    reset();
  }

  /** Discards the draft: it equals the settings in force again. */
  public void reset() {
    draft.clear();
    SETTINGS.keySet().forEach(k -> draft.put(k, current.get(k)));
    ExtensionSpec s = ExtensionSpec.parse("strategy", current.get("strategy"));
    draftStrategy = s.name();
    draftParams.clear();
    draftParams.putAll(s.params());
    currentText.set(summary(current));
  }

  private static String summary(Map<String, String> m) {
    StringBuilder b = new StringBuilder("In force: ").append(m.get("strategy"));
    SETTINGS.forEach((k, label) -> b.append(" · ").append(label.toLowerCase(java.util.Locale.ROOT)).append(' ')
        .append(m.get(k)));
    return b.toString();
  }

  /** The strategy providers of the registry (built-ins and plugins). */
  public List<AggregationStrategyProvider> strategies() {
    return extensions.strategies();
  }

  /** The typed parameters of strategy {@code name} (empty for an unknown name). */
  public List<ParamSpec> parameters(String name) {
    return extensions.strategies().stream().filter(p -> p.name().equals(name)).findFirst()
        .map(AggregationStrategyProvider::parameters).orElse(List.of());
  }

  /** Chooses the draft's strategy; its parameters start at their defaults (or the ones in force). */
  public void chooseStrategy(String name) {
    if (Objects.equals(name, draftStrategy)) {
      return;
    }
    draftStrategy = name;
    draftParams.clear();
    ExtensionSpec s = ExtensionSpec.parse("strategy", current.get("strategy"));
    if (s.name().equals(name)) {
      draftParams.putAll(s.params());
    }
  }

  public String draftStrategy() {
    return draftStrategy;
  }

  /** The draft's value of strategy parameter {@code name}: as set, or the spec's default. */
  public String parameter(String name) {
    String v = draftParams.get(name);
    if (v != null) {
      return v;
    }
    return parameters(draftStrategy).stream().filter(p -> p.name().equals(name)).findFirst()
        .map(ParamSpec::defaultValue).orElse("");
  }

  public void setParameter(String name, String value) {
    draftParams.put(name, value);
  }

  /** The draft's value of round setting {@code key} (a key of {@link #SETTINGS}). */
  public String setting(String key) {
    return draft.get(key);
  }

  public void setSetting(String key, String value) {
    if (!SETTINGS.containsKey(key)) {
      throw new IllegalArgumentException("unknown setting '" + key + "'");
    }
    draft.put(key, value == null ? "" : value.trim());
  }

  /** The value in force of {@code key} ("strategy" or a key of {@link #SETTINGS}). */
  public String current(String key) {
    return current.get(key);
  }

  /** The draft's strategy as {@code NAME[:k=v,...]} (parameters at their default left out). */
  public String draftStrategySpec() {
    StringBuilder b = new StringBuilder(draftStrategy);
    Map<String, String> defaults = new TreeMap<>();
    parameters(draftStrategy).forEach(p -> defaults.put(p.name(), p.defaultValue()));
    String sep = ":";
    for (Map.Entry<String, String> e : draftParams.entrySet()) {
      if (!Objects.equals(e.getValue(), defaults.get(e.getKey()))) {
        b.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ",";
      }
    }
    return b.toString();
  }

  /**
   * The tuning the draft asks for: only what differs from the settings in force.
   *
   * @throws IllegalArgumentException naming the setting whose value is invalid
   */
  public Tuning tuning() {
    Tuning t = Tuning.none();
    String spec = draftStrategySpec();
    if (!sameStrategy(spec, current.get("strategy"))) {
      t = t.withStrategy(extensions.strategy(spec));
    }
    for (String k : SETTINGS.keySet()) {
      String v = draft.get(k);
      if (Objects.equals(v, current.get(k))) {
        continue;
      }
      try {
        t = switch (k) {
          case "per_round" -> t.withPerRound(Integer.parseInt(v));
          case "deadline_ms" -> t.withDeadline(Duration.ofMillis(Long.parseLong(v)));
          case "learning_rate" -> t.withLearningRate(Float.parseFloat(v));
          case "server_lr" -> t.withServerLearningRate(Double.parseDouble(v));
          default -> t.withLocalEpochs(Integer.parseInt(v));
        };
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(SETTINGS.get(k) + ": '" + v + "' is not a number");
      }
    }
    return t;
  }

  private boolean sameStrategy(String a, String b) {
    ExtensionSpec x = ExtensionSpec.parse("strategy", a);
    ExtensionSpec y = ExtensionSpec.parse("strategy", b);
    return x.name().equals(y.name()) && withDefaults(x).equals(withDefaults(y));
  }

  private Map<String, String> withDefaults(ExtensionSpec s) {
    Map<String, String> m = new TreeMap<>();
    parameters(s.name()).forEach(p -> m.put(p.name(), p.defaultValue()));
    m.putAll(s.params());
    return m;
  }

  /**
   * What applying the draft would change, one line per setting ("strategy: fedavg → median").
   *
   * @throws IllegalArgumentException naming an invalid setting
   */
  public List<String> diff() {
    Map<String, String> asked = tuning().asMap();
    return asked.entrySet().stream()
        .map(e -> label(e.getKey()) + ": " + current.getOrDefault(e.getKey(), "?") + " → " + e.getValue())
        .toList();
  }

  private static String label(String key) {
    return key.equals("strategy") ? "Strategy" : SETTINGS.getOrDefault(key, key);
  }

  /**
   * Sends the draft with {@link Federation#tune}; it applies from the next round. An empty or invalid draft
   * is refused here (message set, nothing sent).
   */
  public CompletableFuture<Long> apply(String reason) {
    Tuning t;
    try {
      if (federation == null) {
        throw new IllegalStateException("the federation is still loading");
      }
      t = tuning();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("nothing to apply: the draft equals the settings in force");
      }
    } catch (RuntimeException e) {
      log.warn("tuning refused: {}", e.getMessage());
      message.set("Not applied: " + e.getMessage());
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    federation.tune(t, actor, reason == null || reason.isBlank() ? "tuned in the console" : reason.trim())
        .whenComplete((round, e) -> ui.execute(() -> {
          if (e != null) {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
            log.warn("tuning refused by the federation: {}", c.getMessage());
            message.set("Not applied: " + c.getMessage());
            result.completeExceptionally(c);
          } else {
            message.set("Applies from round " + round);
            result.complete(round);
          }
        }));
    return result;
  }

  /** The strategy round {@code roundId} ran (or will run) with. */
  public String strategyFor(long roundId) {
    Map.Entry<Long, String> e = strategyFrom.floorEntry(roundId);
    return e == null ? current.getOrDefault("strategy", "") : e.getValue();
  }

  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty currentTextProperty() {
    return currentText.getReadOnlyProperty();
  }

  /** Counts configuration changes seen (the view rebuilds its sheet on each). */
  public ReadOnlyLongProperty changesProperty() {
    return changes.getReadOnlyProperty();
  }
}
