package org.fedfhir.fhir.cohort;

import ca.uhn.fhir.context.FhirContext;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.fedfhir.fhir.federation.StudyDigest;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;

/**
 * The data steward's approval: a site reads data for a study only if a local {@code ResearchStudy}
 * (profile {@code StudyApproval}) with status {@code active} has the study's PlanDefinition as its
 * {@code protocol} and names, in extension {@value #DIGEST_EXTENSION}, the study digest of the
 * content approved ({@code "sha256:"} and the 64 hex digits of
 * {@link org.fedfhir.fhir.federation.StudyDigest}).
 */
public final class ApprovalGate {

  /** The extension on ResearchStudy naming the approved study digest, valueString {@code sha256:<64 lower-case hex>}. */
  public static final String DIGEST_EXTENSION = "http://fedfhir.org/fhir/StructureDefinition/approved-study-digest";

  /** How the extension's value writes a digest: {@code sha256:} and 64 hex digits. */
  public static final String DIGEST_PREFIX = "sha256:";

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private ApprovalGate() {}

  /**
   * What the active approvals of one PlanDefinition approve.
   *
   * @param approvals how many active ResearchStudies have the PlanDefinition as protocol
   * @param digests the study digests (64 lower-case hex digits) they approve; an approval without a
   *     digest approves nothing
   */
  public record ApprovedDigests(int approvals, Set<String> digests) {
    public ApprovedDigests {
      digests = Set.copyOf(digests);
    }

    /** No approval at all. */
    public static ApprovedDigests none() {
      return new ApprovedDigests(0, Set.of());
    }

    /** One approval, of the study digest {@code hex}. */
    public static ApprovedDigests of(String hex) {
      return new ApprovedDigests(1, Set.of(hex));
    }
  }

  /**
   * The data steward's approval of {@code study} (a PlanDefinition with its logical id) as it is now:
   * an active ResearchStudy with the study as protocol and its study digest.
   */
  public static ResearchStudy approving(FhirContext context, PlanDefinition study) {
    ResearchStudy approval = new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    approval.addProtocol(new Reference("PlanDefinition/" + study.getIdElement().getIdPart()));
    approval.addExtension(DIGEST_EXTENSION, new StringType(DIGEST_PREFIX + StudyDigest.sha256Hex(context, study)));
    return approval;
  }

  /** What the active ones of {@code studies} approving {@code PlanDefinition/{planDefinitionId}} approve. */
  public static ApprovedDigests approvedDigests(String planDefinitionId, Collection<ResearchStudy> studies) {
    int approvals = 0;
    Set<String> digests = new HashSet<>();
    for (ResearchStudy rs : studies) {
      if (rs.getStatus() != ResearchStudy.ResearchStudyStatus.ACTIVE) {
        continue;
      }
      boolean protocol = rs.getProtocol().stream().anyMatch(ref ->
          ref.getReferenceElement().hasIdPart()
              && "PlanDefinition".equals(ref.getReferenceElement().getResourceType())
              && planDefinitionId.equals(ref.getReferenceElement().getIdPart()));
      if (!protocol) {
        continue;
      }
      approvals++;
      for (Extension e : rs.getExtensionsByUrl(DIGEST_EXTENSION)) {
        String value = e.getValue() == null ? null : e.getValue().primitiveValue();
        if (value != null && DIGEST.matcher(value).matches()) {
          digests.add(value.substring(DIGEST_PREFIX.length()));
        }
      }
    }
    return new ApprovedDigests(approvals, digests);
  }

  /**
   * Why {@code PlanDefinition/{planDefinitionId}}, whose content now has study digest {@code digest}
   * (hex), is not approved by {@code approved}; empty if an active approval names that digest.
   */
  public static Optional<String> whyNotApproved(String planDefinitionId, String digest, ApprovedDigests approved) {
    if (approved.digests().contains(digest)) {
      return Optional.empty();
    }
    String study = "PlanDefinition/" + planDefinitionId;
    if (approved.approvals() == 0) {
      return Optional.of("no active ResearchStudy has " + study
          + " as protocol: the data steward has not approved this study at this site");
    }
    if (approved.digests().isEmpty()) {
      return Optional.of("the active ResearchStudy with " + study + " as protocol names no study digest"
          + " (extension approved-study-digest): an approval binds the study's content, so it approves nothing");
    }
    return Optional.of(study + " changed since approval: its content digests to sha256:" + digest.substring(0, 12)
        + "…, the data steward approved " + approved.digests().stream().sorted()
            .map(d -> "sha256:" + d.substring(0, 12) + "…").collect(Collectors.joining(", "))
        + "; it is not approved until a ResearchStudy approves the new digest");
  }
}
