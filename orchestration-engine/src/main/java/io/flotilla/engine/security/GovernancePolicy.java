package io.flotilla.engine.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may join the federation, checked at enrollment: allowed device classes and regions (empty: any),
 * whether the participant must declare consent, and whether requests are approved without an operator
 * (off by default; for demos). Immutable.
 */
public record GovernancePolicy(Set<String> deviceClasses, Set<String> regions, boolean requireConsent,
    boolean autoApprove) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public GovernancePolicy {
    deviceClasses = normalize(deviceClasses);
    regions = normalize(regions);
  }

  private static Set<String> normalize(Set<String> s) {
    Set<String> out = new TreeSet<>();
    if (s != null) {
      for (String v : s) {
        if (v != null && !v.isBlank()) {
          out.add(v.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return Set.copyOf(out);
  }

  /** Any device class and region, consent required, no auto-approval. */
  public static GovernancePolicy defaults() {
    return new GovernancePolicy(Set.of(), Set.of(), true, false);
  }

  /** Null when a participant with this metadata may join, else the reason it may not. */
  public String refusal(String deviceClass, String region, boolean consent) {
    if (requireConsent && !consent) {
      return "the federation requires consent to be declared at enrollment, and none was given";
    }
    String dc = deviceClass == null ? "" : deviceClass.trim().toLowerCase(Locale.ROOT);
    if (!deviceClasses.isEmpty() && !deviceClasses.contains(dc)) {
      return "device class '" + deviceClass + "' is not allowed (allowed: " + String.join(", ", new TreeSet<>(deviceClasses)) + ")";
    }
    String r = region == null ? "" : region.trim().toLowerCase(Locale.ROOT);
    if (!regions.isEmpty() && !regions.contains(r)) {
      return "region '" + region + "' is not allowed (allowed: " + String.join(", ", new TreeSet<>(regions)) + ")";
    }
    return null;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static GovernancePolicy fromJson(String json) {
    try {
      return JSON.readValue(json, GovernancePolicy.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid governance policy JSON: " + e.getOriginalMessage(), e);
    }
  }
}
