package org.fedfhir.securecompute.attestation;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payload of an AWS Nitro Enclaves attestation document (AWS Nitro Enclaves User Guide,
 * "Verifying the root of trust", section "Attestation document specification"), checked for its
 * syntax: a CBOR map with {@code module_id} (text), {@code digest} ("SHA384"), {@code timestamp}
 * (milliseconds since the epoch), {@code pcrs} (index 0..31 → 32/48/64 bytes), {@code certificate}
 * (DER), {@code cabundle} (DER certificates, root first), and optional {@code public_key},
 * {@code user_data}, {@code nonce} (at most 1024 bytes each, or null).
 */
public record NitroDocument(String moduleId, String digest, Instant timestamp, Map<Integer, byte[]> pcrs,
    byte[] certificate, List<byte[]> cabundle, byte[] publicKey, byte[] userData, byte[] nonce) {

  static final int MAX_OPTIONAL_BYTES = 1024;

  /** Parses and syntax-checks a payload. */
  public static NitroDocument parse(byte[] payload) throws MalformedEvidenceException {
    Object decoded;
    try {
      decoded = Cbor.decode(payload);
    } catch (IOException | RuntimeException e) {
      throw new MalformedEvidenceException("Nitro attestation payload is not CBOR: " + e.getMessage());
    }
    if (!(decoded instanceof Map<?, ?> map)) {
      throw new MalformedEvidenceException("Nitro attestation payload is not a CBOR map");
    }
    String moduleId = text(map, "module_id");
    if (moduleId.isEmpty()) {
      throw new MalformedEvidenceException("Nitro field module_id is empty");
    }
    String digest = text(map, "digest");
    if (!"SHA384".equals(digest)) {
      throw new MalformedEvidenceException("Nitro field digest is '" + digest + "'; need SHA384");
    }
    if (!(map.get("timestamp") instanceof Long ts) || ts <= 0) {
      throw new MalformedEvidenceException("Nitro field timestamp missing or not a positive integer");
    }
    if (!(map.get("pcrs") instanceof Map<?, ?> rawPcrs) || rawPcrs.isEmpty() || rawPcrs.size() > 32) {
      throw new MalformedEvidenceException("Nitro field pcrs missing or not a map of 1..32 entries");
    }
    Map<Integer, byte[]> pcrs = new TreeMap<>();
    for (Map.Entry<?, ?> e : rawPcrs.entrySet()) {
      if (!(e.getKey() instanceof Long idx) || idx < 0 || idx > 31
          || !(e.getValue() instanceof byte[] v) || (v.length != 32 && v.length != 48 && v.length != 64)) {
        throw new MalformedEvidenceException("Nitro PCR entry " + e.getKey()
            + " must map an index 0..31 to 32, 48 or 64 bytes");
      }
      pcrs.put(idx.intValue(), v);
    }
    byte[] certificate = bytes(map, "certificate", false);
    if (!(map.get("cabundle") instanceof List<?> rawBundle) || rawBundle.isEmpty()) {
      throw new MalformedEvidenceException("Nitro field cabundle missing or empty");
    }
    List<byte[]> bundle = new ArrayList<>();
    for (Object c : rawBundle) {
      if (!(c instanceof byte[] der) || der.length == 0 || der.length > 1024 * 8) {
        throw new MalformedEvidenceException("Nitro cabundle entry is not a DER certificate byte string");
      }
      bundle.add(der);
    }
    return new NitroDocument(moduleId, digest, Instant.ofEpochMilli(ts), Collections.unmodifiableMap(pcrs),
        certificate, List.copyOf(bundle), bytes(map, "public_key", true), bytes(map, "user_data", true),
        bytes(map, "nonce", true));
  }

  private static String text(Map<?, ?> map, String key) throws MalformedEvidenceException {
    if (!(map.get(key) instanceof String s)) {
      throw new MalformedEvidenceException("Nitro field " + key + " missing or not text");
    }
    return s;
  }

  private static byte[] bytes(Map<?, ?> map, String key, boolean optional) throws MalformedEvidenceException {
    Object v = map.get(key);
    if (v == null && optional) {
      return null;
    }
    if (!(v instanceof byte[] b) || (optional && b.length > MAX_OPTIONAL_BYTES) || (!optional && b.length == 0)) {
      throw new MalformedEvidenceException("Nitro field " + key + (optional
          ? " must be null or at most " + MAX_OPTIONAL_BYTES + " bytes" : " missing or not a byte string"));
    }
    return b;
  }
}
