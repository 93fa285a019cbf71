package org.fedfhir.securecompute.attestation;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A COSE_Sign1 message (RFC 9052 §4.2): {@code [protected: bstr, unprotected: map, payload: bstr,
 * signature: bstr]}, optionally with CBOR tag 18. Only what attestation needs: the protected
 * header's {@code alg} (label 1) and the {@code Sig_structure} (RFC 9052 §4.4) that was signed,
 * {@code ["Signature1", protected, external_aad = h'', payload]}.
 *
 * @param protectedHeader the serialised protected header exactly as received (it is signed)
 * @param algorithm the COSE algorithm id from the protected header (-35 ES384, -8 EdDSA)
 * @param payload the payload bytes
 * @param signature the signature bytes (ES384: r‖s, 96 bytes)
 */
public record CoseSign1(byte[] protectedHeader, long algorithm, byte[] payload, byte[] signature) {

  /** COSE algorithm ECDSA w/ SHA-384 (RFC 9053 §2.1). */
  public static final long ES384 = -35;
  /** COSE algorithm EdDSA (RFC 9053 §2.2). */
  public static final long EDDSA = -8;

  /** Parses a COSE_Sign1 message. */
  public static CoseSign1 parse(byte[] bytes) throws MalformedEvidenceException {
    Object decoded;
    try {
      decoded = Cbor.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new MalformedEvidenceException("evidence is not CBOR: " + e.getMessage());
    }
    if (!(decoded instanceof List<?> parts) || parts.size() != 4) {
      throw new MalformedEvidenceException("evidence is not a COSE_Sign1 array of 4 items");
    }
    if (!(parts.get(0) instanceof byte[] prot) || !(parts.get(1) instanceof Map<?, ?>)
        || !(parts.get(2) instanceof byte[] payload) || !(parts.get(3) instanceof byte[] sig)) {
      throw new MalformedEvidenceException(
          "COSE_Sign1 items must be [bstr, map, bstr, bstr] (detached payloads are not accepted)");
    }
    Object header;
    try {
      header = prot.length == 0 ? Map.of() : Cbor.decode(prot);
    } catch (IOException | RuntimeException e) {
      throw new MalformedEvidenceException("COSE protected header is not CBOR: " + e.getMessage());
    }
    if (!(header instanceof Map<?, ?> h) || !(h.get(1L) instanceof Long alg)) {
      throw new MalformedEvidenceException("COSE protected header has no algorithm (label 1)");
    }
    return new CoseSign1(prot, alg, payload, sig);
  }

  /** The bytes the signer signed: {@code Sig_structure} of RFC 9052 §4.4 with empty external_aad. */
  public byte[] toBeSigned() {
    return sigStructure(protectedHeader, payload);
  }

  static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
    return Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payload));
  }

  /** A protected header {@code {1: alg}}. */
  static byte[] protectedHeaderFor(long algorithm) {
    return Cbor.encode(Map.of(1L, algorithm));
  }

  /** Serialises {@code [protected, {}, payload, signature]} (untagged, as Nitro does). */
  public byte[] encode() {
    return Cbor.encode(List.of(protectedHeader, Map.of(), payload, signature));
  }
}
