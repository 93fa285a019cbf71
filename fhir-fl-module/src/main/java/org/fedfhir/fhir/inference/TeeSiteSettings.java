package org.fedfhir.fhir.inference;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.tee.client.TeeClient;

/**
 * A site's TEE configuration for {@code $infer} (Spring properties {@code fedfhir.tee.*}; flags of
 * {@code ./fedfhir hospital}):
 * <ul>
 *   <li>{@code fedfhir.tee.url} — the TEE model service's FHIR base URL ({@code --tee}), https: the
 *       site presents its certificate of the network ({@code fedfhir.pki}, mutual TLS);</li>
 *   <li>{@code fedfhir.tee.measurements} — trusted measurements, comma-separated hex ({@code --tee-measurement});</li>
 *   <li>{@code fedfhir.tee.platform-keys} — Ed25519 keys (hex) whose <em>simulated</em> evidence is
 *       trusted ({@code --tee-platform-key}); {@code fedfhir.tee.allow-simulated=true} trusts simulated
 *       evidence from any key ({@code --tee-allow-simulated}, laptop demos only);</li>
 *   <li>{@code fedfhir.tee.nitro-root} — PEM file of the AWS Nitro Enclaves root (or a test root);</li>
 *   <li>{@code fedfhir.tee.max-age} — how old evidence may be and how long it is cached (ISO-8601, default PT5M);</li>
 *   <li>{@code fedfhir.tee.models} — the models file ({@link org.fedfhir.tee.client.ServedModelsFile}).</li>
 * </ul>
 * Builders validate here, so a hospital with a wrong TEE configuration does not start.
 */
public record TeeSiteSettings(String url, List<String> measurements, List<String> platformKeys,
    boolean allowAnySimulated, Path nitroRoot, Duration maxAge, Path modelsFile) {

  public TeeSiteSettings {
    if (url == null || !url.regionMatches(true, 0, "https://", 0, 8)) {
      throw new IllegalArgumentException("fedfhir.tee.url (--tee) '" + url + "': the TEE model service serves only "
          + "HTTPS with mutual TLS; give its https:// URL");
    }
    measurements = List.copyOf(measurements);
    platformKeys = List.copyOf(platformKeys);
    maxAge = maxAge == null ? Duration.ofMinutes(5) : maxAge;
  }

  /** From the Spring property values (blank = unset); {@code null} if {@code url} is blank. */
  public static TeeSiteSettings fromProperties(String url, String measurements, String platformKeys,
      boolean allowAnySimulated, String nitroRoot, String maxAge, String modelsFile) {
    if (url == null || url.isBlank()) {
      return null;
    }
    return new TeeSiteSettings(url.strip(), split(measurements), split(platformKeys), allowAnySimulated,
        blank(nitroRoot) ? null : Path.of(nitroRoot.strip()), blank(maxAge) ? null : Duration.parse(maxAge.strip()),
        blank(modelsFile) ? null : Path.of(modelsFile.strip()));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static List<String> split(String s) {
    return blank(s) ? List.of() : Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  /** The site's attestation policy; names the bad setting if it cannot be built. */
  public AttestationPolicy policy() {
    AttestationPolicy.Builder b = AttestationPolicy.builder().maxAge(maxAge);
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException("fedfhir.tee.measurements (--tee-measurement) is empty: trust at least one "
          + "measurement of the TEE model service (./fedfhir tee prints it)");
    }
    for (String m : measurements) {
      b.trustMeasurement(new Measurement(m));
    }
    if (allowAnySimulated) {
      b.allowSimulatedEvidenceFromAnyPlatformKey();
    } else if (!platformKeys.isEmpty()) {
      byte[][] keys = platformKeys.stream().map(k -> {
        try {
          return HexFormat.of().parseHex(k);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("fedfhir.tee.platform-keys: '" + k + "' is not hex");
        }
      }).toArray(byte[][]::new);
      b.allowSimulatedEvidence(keys);
    }
    if (nitroRoot != null) {
      b.nitroRoot(readCertificate(nitroRoot));
    }
    return b.build();
  }

  private static X509Certificate readCertificate(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException("fedfhir.tee.nitro-root: cannot read " + pem + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("fedfhir.tee.nitro-root: " + pem + " is not an X.509 certificate");
    }
  }

  /**
   * The TEE client on its own FHIR client (JSON, no {@code /metadata} check, 5 s connect and 30 s
   * read timeouts). {@code ctx} should not be shared with other clients: its client factory is set up here.
   */
  public TeeClient client(FhirContext ctx, Clock clock, SecureRandom random) {
    IRestfulClientFactory factory = ctx.getRestfulClientFactory(); // the site's mutual TLS, if set up on ctx
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setConnectTimeout(5_000);
    factory.setSocketTimeout(30_000);
    IGenericClient fhir = ctx.newRestfulGenericClient(url);
    return new TeeClient(fhir, new AttestationVerifier(policy()), clock, random);
  }

  /** The configured TEE as a {@link ModelService}, over FHIR {@code $predict} only. */
  public ModelService modelService(FhirContext ctx) {
    return new TeeModelService(client(ctx, Clock.systemUTC(), new SecureRandom()), url);
  }

  /**
   * The configured TEE as a {@link ModelService} that takes the service's lean path (found from its
   * CapabilityStatement) with the site's certificate, else FHIR {@code $predict}.
   */
  public ModelService modelService(FhirContext ctx, Path certificate, Path privateKey, Path ca) {
    TeeClient fhir = client(ctx, Clock.systemUTC(), new SecureRandom());
    return new TeeModelService(fhir, url, new LeanDiscovery(ctx.newRestfulGenericClient(url), certificate, privateKey,
        ca, new AttestationVerifier(policy())));
  }
}
