package org.fedfhir.access;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for a FedFHIR client calling another party: trusting only the network CA, and presenting the
 * party's own certificate for mutual TLS.
 */
public final class ClientTls {

  private ClientTls() {}

  /** Presents {@code certificate}/{@code privateKey} and trusts only the CA in {@code ca}. */
  public static SSLContext mutual(Path certificate, Path privateKey, Path ca) {
    try {
      char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(PemMaterial.keyStore(certificate, privateKey, password), password);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(keys.getKeyManagers(), trust(ca).getTrustManagers(), new SecureRandom());
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up mutual TLS with " + certificate + ": " + e.getMessage(), e);
    }
  }

  /** Trusts only the CA in {@code ca}; presents no certificate. */
  public static SSLContext trusting(Path ca) {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, trust(ca).getTrustManagers(), new SecureRandom());
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS trusting " + ca + ": " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trust(Path ca) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(PemMaterial.trustStore(ca));
    return tmf;
  }
}
