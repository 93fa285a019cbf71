package org.fedfhir.aggregator.provisioning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.Measurement;

/**
 * The aggregator's TEE for provisioning ({@code ./fedfhir aggregator --tee URL --tee-measurement HEX
 * [--tee-platform-key HEX | --tee-allow-simulated] [--tee-nitro-root PEM] [--tee-models-file FILE]}).
 *
 * @param url the TEE model service's FHIR base URL, https (the aggregator presents its certificate)
 * @param measurements trusted measurements (hex)
 * @param platformKeys Ed25519 platform keys (hex) whose simulated evidence is trusted
 * @param allowAnySimulated trust simulated evidence from any key (laptop demos only)
 * @param nitroRoot AWS Nitro Enclaves root certificate (PEM), or null
 * @param modelsFile the models file to write for the hospitals ({@code ServedModelsFile}), or null
 */
public record ProvisioningSettings(String url, List<String> measurements, List<String> platformKeys,
    boolean allowAnySimulated, Path nitroRoot, Path modelsFile) {

  public ProvisioningSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the TEE model service's URL is required (--tee)");
    }
    if (!url.regionMatches(true, 0, "https://", 0, 8)) {
      throw new IllegalArgumentException("--tee '" + url + "': the TEE model service serves only HTTPS with mutual "
          + "TLS (the aggregator presents its certificate of the network); give its https:// URL");
    }
    measurements = List.copyOf(measurements);
    platformKeys = List.copyOf(platformKeys);
  }

  /** The policy the TEE must meet before a model is sealed to it; names the bad setting. */
  public AttestationPolicy policy() {
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException("--tee-measurement: trust at least one measurement of the TEE model service"
          + " (./fedfhir tee prints it)");
    }
    AttestationPolicy.Builder b = AttestationPolicy.builder();
    measurements.forEach(m -> b.trustMeasurement(new Measurement(m)));
    if (allowAnySimulated) {
      b.allowSimulatedEvidenceFromAnyPlatformKey();
    } else if (!platformKeys.isEmpty()) {
      b.allowSimulatedEvidence(platformKeys.stream().map(k -> HexFormat.of().parseHex(k)).toArray(byte[][]::new));
    }
    if (nitroRoot != null) {
      try (InputStream in = Files.newInputStream(nitroRoot)) {
        b.nitroRoot((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      } catch (IOException e) {
        throw new UncheckedIOException("--tee-nitro-root: cannot read " + nitroRoot, e);
      } catch (CertificateException e) {
        throw new IllegalArgumentException("--tee-nitro-root: " + nitroRoot + " is not an X.509 certificate");
      }
    }
    return b.build();
  }
}
