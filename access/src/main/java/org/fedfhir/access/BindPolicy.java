package org.fedfhir.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a FedFHIR HTTP server may listen: loopback ({@code 127.0.0.1}) unless told otherwise, and
 * never plain HTTP on a routable address unless the operator says {@code --insecure-http} (behind a
 * TLS-terminating proxy, say).
 */
public final class BindPolicy {

  /** The default bind address of every FedFHIR server. */
  public static final String LOOPBACK = "127.0.0.1";

  private BindPolicy() {}

  /**
   * Checks that a server on {@code bind} may serve as configured.
   *
   * @throws IllegalArgumentException naming the address and the two ways out, if plain HTTP would be
   *     served on a routable address
   */
  public static void check(String bind, boolean tls, boolean insecureHttp) {
    if (tls || insecureHttp || isLoopback(bind)) {
      return;
    }
    throw new IllegalArgumentException("refusing to serve plain HTTP on routable address " + bind
        + ": give --tls-cert and --tls-key (or --pki), or --insecure-http if a TLS proxy stands in front");
  }

  /** Whether {@code bind} is a loopback address (names are resolved). */
  public static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve bind address " + bind, e);
    }
  }
}
