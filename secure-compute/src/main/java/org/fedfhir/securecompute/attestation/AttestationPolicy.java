package org.fedfhir.securecompute.attestation;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a site (or the aggregator) trusts: which measurements, how old evidence may be, which
 * formats and roots. Built with {@link #builder()}, validated at {@link Builder#build()}.
 *
 * <p>Security guarantees: a policy always names at least one trusted measurement and at least one
 * accepted format; {@code simulated} evidence is refused unless {@link
 * Builder#allowSimulatedEvidence(byte[]...)} or {@link Builder#allowSimulatedEvidenceFromAnyPlatformKey()}
 * was called; Nitro evidence is refused unless a root certificate was configured (the AWS Nitro
 * Enclaves root, or a test root).
 */
public final class AttestationPolicy {

  private final Set<Measurement> trustedMeasurements;
  private final Duration maxAge;
  private final Duration clockSkew;
  private final X509Certificate nitroRoot;
  private final Map<Integer, String> pinnedNitroPcrs;
  private final boolean simulatedAllowed;
  private final Set<String> simulatedPlatformKeys;

  private AttestationPolicy(Builder b) {
    this.trustedMeasurements = Set.copyOf(b.trustedMeasurements);
    this.maxAge = b.maxAge;
    this.clockSkew = b.clockSkew;
    this.nitroRoot = b.nitroRoot;
    this.pinnedNitroPcrs = Map.copyOf(b.pinnedNitroPcrs);
    this.simulatedAllowed = b.simulatedAllowed;
    this.simulatedPlatformKeys = Set.copyOf(b.simulatedPlatformKeys);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Set<Measurement> trustedMeasurements() {
    return trustedMeasurements;
  }

  public Duration maxAge() {
    return maxAge;
  }

  public Duration clockSkew() {
    return clockSkew;
  }

  public Optional<X509Certificate> nitroRoot() {
    return Optional.ofNullable(nitroRoot);
  }

  /** PCRs other than PCR0 that must have exactly these values (index → lowercase hex). */
  public Map<Integer, String> pinnedNitroPcrs() {
    return pinnedNitroPcrs;
  }

  public boolean simulatedAllowed() {
    return simulatedAllowed;
  }

  /** True if simulated evidence signed by this Ed25519 platform key may be accepted. */
  public boolean trustsSimulatedPlatformKey(byte[] platformKey) {
    return simulatedAllowed
        && (simulatedPlatformKeys.isEmpty() || simulatedPlatformKeys.contains(HexFormat.of().formatHex(platformKey)));
  }

  /** Builds a policy; every setter validates its argument and names the bad value. */
  public static final class Builder {
    private final Set<Measurement> trustedMeasurements = new LinkedHashSet<>();
    private Duration maxAge = Duration.ofMinutes(5);
    private Duration clockSkew = Duration.ofSeconds(30);
    private X509Certificate nitroRoot;
    private final Map<Integer, String> pinnedNitroPcrs = new TreeMap<>();
    private boolean simulatedAllowed;
    private final Set<String> simulatedPlatformKeys = new LinkedHashSet<>();

    private Builder() {}

    public Builder trustMeasurement(Measurement measurement) {
      trustedMeasurements.add(measurement);
      return this;
    }

    /** How old evidence may be when verified; also how long a verified attestation is cached. */
    public Builder maxAge(Duration age) {
      if (age == null || age.isNegative() || age.isZero() || age.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("maxAge " + age + " outside (0, 24 h]");
      }
      this.maxAge = age;
      return this;
    }

    /** How far in the future an evidence timestamp may lie (clock differences). */
    public Builder clockSkew(Duration skew) {
      if (skew == null || skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("clockSkew " + skew + " outside [0, 5 min]");
      }
      this.clockSkew = skew;
      return this;
    }

    /** Accept AWS Nitro Enclaves documents whose chain ends at this root (AWS's, or a test root). */
    public Builder nitroRoot(X509Certificate root) {
      this.nitroRoot = root;
      return this;
    }

    /** Also require Nitro PCR {@code index} (1..31) to equal {@code value} (32, 48 or 64 bytes). */
    public Builder pinNitroPcr(int index, byte[] value) {
      if (index < 1 || index > 31) {
        throw new IllegalArgumentException("PCR index " + index + " outside 1..31 (PCR0 is the measurement)");
      }
      if (value == null || (value.length != 32 && value.length != 48 && value.length != 64)) {
        throw new IllegalArgumentException("PCR value must be 32, 48 or 64 bytes");
      }
      pinnedNitroPcrs.put(index, HexFormat.of().formatHex(value));
      return this;
    }

    /**
     * Opt in to {@code simulated} evidence signed by one of these Ed25519 platform keys. Simulated
     * evidence proves nothing about hardware: use it on laptops and in tests only.
     */
    public Builder allowSimulatedEvidence(byte[]... trustedPlatformKeys) {
      if (trustedPlatformKeys.length == 0) {
        throw new IllegalArgumentException(
            "name at least one platform key, or call allowSimulatedEvidenceFromAnyPlatformKey()");
      }
      for (byte[] key : trustedPlatformKeys) {
        if (key == null || key.length != 32) {
          throw new IllegalArgumentException("simulated platform key must be 32 bytes (Ed25519)");
        }
        simulatedPlatformKeys.add(HexFormat.of().formatHex(key));
      }
      simulatedAllowed = true;
      return this;
    }

    /**
     * Opt in to {@code simulated} evidence from any platform key: then only the measurement and the
     * nonce are checked, and anyone can forge such evidence. For a laptop demo only.
     */
    public Builder allowSimulatedEvidenceFromAnyPlatformKey() {
      simulatedAllowed = true;
      simulatedPlatformKeys.clear();
      return this;
    }

    public AttestationPolicy build() {
      if (trustedMeasurements.isEmpty()) {
        throw new IllegalArgumentException("policy trusts no measurement; add at least one with trustMeasurement");
      }
      if (nitroRoot == null && !simulatedAllowed) {
        throw new IllegalArgumentException(
            "policy accepts no evidence format; configure a Nitro root or opt in to simulated evidence");
      }
      return new AttestationPolicy(this);
    }
  }
}
