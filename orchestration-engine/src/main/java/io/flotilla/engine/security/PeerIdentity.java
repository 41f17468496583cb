package io.flotilla.engine.security;

import java.security.cert.X509Certificate;

/**
 * A verified caller: the identity (certificate CN), its role, and the certificate it presented, which was
 * issued by this federation's CA, is within its validity and is not revoked. Immutable.
 */
public record PeerIdentity(String id, Role role, String serial, X509Certificate certificate) {}
