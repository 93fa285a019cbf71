package org.fedfhir.study;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The program a {@code clean-room} study runs inside the TEE, as its PlanDefinition's contained
 * {@code Library} declares it: the WebAssembly module, its SHA-256 (which the study digest, and so
 * every steward's approval, covers), its source, the outputs it may release and the disclosure rule
 * they are released under.
 *
 * @param libraryId the contained Library's id ({@code PlanDefinition.library = "#id"})
 * @param sha256 lowercase hex SHA-256 of {@code wasm}, as declared in {@code Attachment.hash}
 * @param wasm the module's bytes
 * @param sourceContentType the source attachment's content type (e.g. {@code text/x-c})
 * @param source the source's bytes (for the stewards' review; not run)
 * @param outputs the result record names the program may release, in declaration order
 * @param disclosure which rows a released record's group counts and the least it must count
 * @param resultKey the researcher's 32-byte X25519 public key: the enclave seals the released result
 *     to it, so the stewards who approve the study approve who can read its result
 */
public record CleanRoomProgram(String libraryId, String sha256, byte[] wasm, String sourceContentType,
    byte[] source, List<String> outputs, Disclosure disclosure, byte[] resultKey) {

  /** Content type of the module attachment. */
  public static final String WASM = "application/wasm";
  /** Length of {@link #resultKey()}: an X25519 public key. */
  public static final int RESULT_KEY_BYTES = 32;
  /** The largest module a study may carry (1 MiB). */
  public static final int MAX_WASM_BYTES = 1 << 20;

  /** Which column a result record's group refers to. */
  public enum GroupBy {
    /** records are over all rows only (group -1) */
    NONE("none"),
    /** a record's group is the label's value (0 or 1) */
    LABEL("label"),
    /** a record's group is a site's index in delivery order */
    SITE("site");

    private final String code;

    GroupBy(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static java.util.Optional<GroupBy> fromCode(String code) {
      return Arrays.stream(values()).filter(g -> g.code.equals(code)).findFirst();
    }
  }

  /**
   * The disclosure rule: a record is released only if its group (or, for group -1, all pooled rows)
   * counts at least {@code minCount} rows.
   */
  public record Disclosure(GroupBy groupBy, int minCount) {
    /** A group of one row is a row: at least this many rows per released group. */
    public static final int LEAST_MIN_COUNT = 2;

    public Disclosure {
      Objects.requireNonNull(groupBy, "groupBy");
      if (minCount < LEAST_MIN_COUNT) {
        throw new IllegalArgumentException("minCount " + minCount + "; need at least " + LEAST_MIN_COUNT);
      }
    }
  }

  public CleanRoomProgram {
    Objects.requireNonNull(sha256, "sha256");
    wasm = wasm.clone();
    source = source.clone();
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(disclosure, "disclosure");
    if (resultKey == null || resultKey.length != RESULT_KEY_BYTES) {
      throw new IllegalArgumentException("the result key must be " + RESULT_KEY_BYTES + " bytes (X25519)");
    }
    resultKey = resultKey.clone();
  }

  @Override
  public byte[] resultKey() {
    return resultKey.clone();
  }

  @Override
  public byte[] wasm() {
    return wasm.clone();
  }

  @Override
  public byte[] source() {
    return source.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CleanRoomProgram p && p.libraryId.equals(libraryId) && p.sha256.equals(sha256)
        && Arrays.equals(p.wasm, wasm) && p.sourceContentType.equals(sourceContentType) && Arrays.equals(p.source, source)
        && p.outputs.equals(outputs) && p.disclosure.equals(disclosure) && Arrays.equals(p.resultKey, resultKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(libraryId, sha256, outputs, disclosure);
  }

  @Override
  public String toString() {
    return "CleanRoomProgram[" + libraryId + ", sha256=" + sha256 + ", " + wasm.length + " bytes, outputs=" + outputs
        + ", " + disclosure + "]";
  }
}
