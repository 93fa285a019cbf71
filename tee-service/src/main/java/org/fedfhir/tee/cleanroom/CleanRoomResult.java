package org.fedfhir.tee.cleanroom;

import java.util.List;

/**
 * What leaves the clean room after a run: the disclosure-checked records, the (name, group) of those
 * suppressed, and what binds them: the study (URL and digest), the program's SHA-256, the sites
 * whose rows were pooled (in pooling order: sorted by name, so {@code site} group i is
 * {@code sites.get(i)}) and the SHA-256 of the released output.
 */
public record CleanRoomResult(String studyUrl, String studyDigest, String programSha256, List<String> sites,
    List<ResultRecord> released, List<DisclosureCheck.Suppressed> suppressed, String outputSha256, long instructions) {

  public CleanRoomResult {
    sites = List.copyOf(sites);
    released = List.copyOf(released);
    suppressed = List.copyOf(suppressed);
  }
}
