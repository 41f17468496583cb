package io.flotilla.engine.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which signed updates were handed to the federation — one per (participant, round, nonce) —
 * so a captured upload sent again is refused before it reaches the coordinator. Bounded (oldest entries
 * forgotten first; by then the round is long closed and the coordinator's own nonce check refuses it).
 * Thread-safe.
 */
public final class ReplayGuard {
  private final Map<String, Boolean> seen;

  public ReplayGuard(int capacity) {
    this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
        return size() > capacity;
      }
    };
  }

  private static String key(String participant, long round, long nonce) {
    return participant + "|" + round + "|" + nonce;
  }

  public synchronized boolean seen(String participant, long round, long nonce) {
    return seen.containsKey(key(participant, round, nonce));
  }

  /** Records the update; false when it was recorded before (a replay). */
  public synchronized boolean record(String participant, long round, long nonce) {
    return seen.putIfAbsent(key(participant, round, nonce), Boolean.TRUE) == null;
  }
}
