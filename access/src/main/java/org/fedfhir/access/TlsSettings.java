package org.fedfhir.access;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server's TLS material: its certificate chain and private key (PEM, PKCS#8), and for mutual TLS
 * the CA whose certificates identify callers and, optionally, the CA's revocation list: a caller whose
 * certificate is on it is refused in the handshake ({@link NetworkTrustManager}).
 *
 * @param certificate PEM certificate chain, the server's first
 * @param privateKey PEM PKCS#8 private key
 * @param clientCa PEM CA certificate callers' certificates must chain to, or null for no client certificates
 * @param clientAuth whether a client certificate is asked for
 * @param crl PEM X.509 CRL signed by {@code clientCa}, or null for none
 */
public record TlsSettings(Path certificate, Path privateKey, Path clientCa, ClientAuth clientAuth, Path crl) {

  /** Whether a client certificate is asked for. */
  public enum ClientAuth {
    /** Not asked for: callers authenticate with access tokens. */
    NONE,
    /** Asked for, not required: a caller may hold a certificate or a token. */
    WANT,
    /** Required: only parties of the network. */
    NEED
  }

  public TlsSettings {
    require(certificate, "TLS certificate");
    require(privateKey, "TLS private key");
    if (clientAuth != ClientAuth.NONE) {
      require(clientCa, "CA certificate for client certificates");
    }
    if (crl != null) {
      require(crl, "revocation list");
    }
  }

  /** With the revocation list {@code crl.pem} beside {@code clientCa}, if there is one. */
  public TlsSettings(Path certificate, Path privateKey, Path clientCa, ClientAuth clientAuth) {
    this(certificate, privateKey, clientCa, clientAuth,
        clientCa == null ? null : NetworkTrustManager.crlBeside(clientCa).orElse(null));
  }

  /** Server-side TLS only. */
  public static TlsSettings serverOnly(Path certificate, Path privateKey) {
    return new TlsSettings(certificate, privateKey, null, ClientAuth.NONE);
  }

  private static void require(Path file, String what) {
    if (file == null) {
      throw new IllegalArgumentException(what + " is required");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not a readable file");
    }
  }
}
