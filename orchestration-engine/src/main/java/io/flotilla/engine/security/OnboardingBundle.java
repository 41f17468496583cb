package io.flotilla.engine.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything a new participant (or operator) needs to enroll, in one JSON file: the coordinator's address,
 * the federation's CA certificate (to authenticate the coordinator before sending anything) and the
 * one-time token. The file is a secret until the token is spent or expires. Immutable.
 */
public record OnboardingBundle(
    @JsonProperty("format") String format,
    @JsonProperty("coordinator") String coordinator,
    @JsonProperty("federation") String federation,
    @JsonProperty("ca_pem") String caPem,
    @JsonProperty("token") String token,
    @JsonProperty("role") String role,
    @JsonProperty("participant_name") String participantName,
    @JsonProperty("expires") String expires) {
  public static final String FORMAT = "flotilla-bundle/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static OnboardingBundle fromJson(String json) {
    OnboardingBundle b;
    try {
      b = JSON.readValue(json, OnboardingBundle.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an onboarding bundle: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(b.format()) || b.coordinator() == null || b.caPem() == null || b.token() == null) {
      throw new IllegalArgumentException("not an onboarding bundle (format " + FORMAT + " with coordinator, ca_pem, token)");
    }
    return b;
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson());
    CertificateAuthority.restrict(file);
  }

  public static OnboardingBundle read(Path file) throws IOException {
    return fromJson(Files.readString(file));
  }
}
