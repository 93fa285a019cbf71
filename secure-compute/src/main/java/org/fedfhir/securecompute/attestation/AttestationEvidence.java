package org.fedfhir.securecompute.attestation;

/**
 * Evidence as it travels: its format and its bytes (a CBOR COSE_Sign1 document for both formats).
 * Holding one proves nothing; only {@link AttestationVerifier#verify} does.
 */
public record AttestationEvidence(EvidenceFormat format, byte[] document) {

  public AttestationEvidence {
    if (format == null || document == null || document.length == 0) {
      throw new IllegalArgumentException("evidence needs a format and a non-empty document");
    }
    document = document.clone();
  }

  @Override
  public byte[] document() {
    return document.clone();
  }

  @Override
  public String toString() {
    return "AttestationEvidence[" + format.code() + ", " + document.length + " bytes]";
  }
}
