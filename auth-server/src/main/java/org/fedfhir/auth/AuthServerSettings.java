package org.fedfhir.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run an authorisation server; checked at construction, each message naming the bad value.
 *
 * @param bindAddress address to listen on (default {@code 127.0.0.1})
 * @param port TCP port, 0 = a free one chosen at start
 * @param issuer the issuer URL ({@code iss}); null = {@code http(s)://localhost:PORT}
 * @param directory the JSON file of users and clients ({@code AuthDirectory})
 * @param resources the FHIR base URLs tokens are issued for (the allowed {@code aud} values)
 * @param accessTokenLifetime lifetime of access tokens (default 5 minutes; 10 s to 1 h)
 * @param tlsCertificate PEM certificate (chain) for HTTPS, or null for plain HTTP
 * @param tlsPrivateKey PEM private key of {@code tlsCertificate}, or null
 */
public record AuthServerSettings(String bindAddress, int port, String issuer, Path directory, List<String> resources,
    Duration accessTokenLifetime, Path tlsCertificate, Path tlsPrivateKey) {
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(10);
  private static final Duration MAX_LIFETIME = Duration.ofHours(1);

  public AuthServerSettings {
    bindAddress = bindAddress == null ? DEFAULT_BIND_ADDRESS : bindAddress;
    accessTokenLifetime = accessTokenLifetime == null ? DEFAULT_ACCESS_TOKEN_LIFETIME : accessTokenLifetime;
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bind address is blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range; need 0 ≤ port ≤ 65535 (0 = free port)");
    }
    if (issuer != null) {
      issuer = stripSlash(issuer);
      requireHttpUrl(issuer, "issuer");
    }
    Objects.requireNonNull(directory, "directory file is required (users and clients, JSON)");
    if (!Files.isRegularFile(directory) || !Files.isReadable(directory)) {
      throw new IllegalArgumentException("directory file " + directory + " does not exist or is not readable");
    }
    if (resources == null || resources.isEmpty()) {
      throw new IllegalArgumentException("at least one resource server URL (FHIR base, the token audience) is needed");
    }
    resources = List.copyOf(resources);
    resources.forEach(r -> requireHttpUrl(r, "resource URL"));
    if (accessTokenLifetime.compareTo(MIN_LIFETIME) < 0 || accessTokenLifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("access-token lifetime " + accessTokenLifetime
          + " is out of range; need " + MIN_LIFETIME + " ≤ lifetime ≤ " + MAX_LIFETIME);
    }
    if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a private key PEM file, or neither");
    }
    for (Path pem : new Path[] {tlsCertificate, tlsPrivateKey}) {
      if (pem != null && !Files.isReadable(pem)) {
        throw new IllegalArgumentException("TLS file " + pem + " does not exist or is not readable");
      }
    }
  }

  /** Settings with the defaults: 127.0.0.1, a free port, derived issuer, 5-minute tokens, no TLS. */
  public static AuthServerSettings of(Path directory, List<String> resources) {
    return new AuthServerSettings(null, 0, null, directory, resources, null, null, null);
  }

  public AuthServerSettings withPort(int newPort) {
    return new AuthServerSettings(bindAddress, newPort, issuer, directory, resources, accessTokenLifetime,
        tlsCertificate, tlsPrivateKey);
  }

  public AuthServerSettings withBindAddress(String address) {
    return new AuthServerSettings(address, port, issuer, directory, resources, accessTokenLifetime, tlsCertificate,
        tlsPrivateKey);
  }

  public AuthServerSettings withIssuer(String url) {
    return new AuthServerSettings(bindAddress, port, url, directory, resources, accessTokenLifetime, tlsCertificate,
        tlsPrivateKey);
  }

  public AuthServerSettings withAccessTokenLifetime(Duration lifetime) {
    return new AuthServerSettings(bindAddress, port, issuer, directory, resources, lifetime, tlsCertificate,
        tlsPrivateKey);
  }

  public AuthServerSettings withTls(Path certificatePem, Path privateKeyPem) {
    return new AuthServerSettings(bindAddress, port, issuer, directory, resources, accessTokenLifetime,
        certificatePem, privateKeyPem);
  }

  /** True when the server speaks HTTPS. */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /** The issuer: as configured, else {@code http(s)://localhost:PORT} (meaningful once the port is not 0). */
  public String issuerUrl() {
    return issuer != null ? issuer : (tls() ? "https" : "http") + "://localhost:" + port;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static void requireHttpUrl(String url, String what) {
    try {
      URI u = new URI(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || u.getQuery() != null || u.getFragment() != null) {
        throw new IllegalArgumentException(what + " '" + url
            + "' must be an absolute http(s) URL without query or fragment");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " '" + url + "' is not a URL: " + e.getMessage(), e);
    }
  }
}
