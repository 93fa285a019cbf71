package org.fedfhir.fhir.site;

import ca.uhn.fhir.context.FhirContext;
import java.util.HexFormat;
import java.util.Optional;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyReader;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * Whether this site takes part in a study an operation names: the study must be known here, valid,
 * of the operation's kind, active, and approved by the data steward for its current content (study
 * digest, {@link Approvals}) — checked in that order, the
 * first failure refused. The one place {@code $train}, {@code $secure-stats} and {@code $clean-room}
 * decide this.
 */
public final class StudyAdmission {

  /**
   * A study the site takes part in: its PlanDefinition's logical id, the resource, the parsed study and
   * its study digest (64 lower-case hex digits, the one the approval named), computed once here.
   */
  public record Admitted(String id, PlanDefinition planDefinition, StudyDefinition study, String digest) {
    /** The study digest as the 32 bytes a Join carries. */
    public byte[] digestBytes() {
      return HexFormat.of().parseHex(digest);
    }
  }

  private final SiteStudies studies;
  private final Approvals approvals;
  private final StudyReader reader;

  public StudyAdmission(SiteStudies studies, Approvals approvals, StudyReader reader) {
    this.studies = studies;
    this.approvals = approvals;
    this.reader = reader;
  }

  /**
   * The study behind {@code PlanDefinition/{planDefinitionId}}, if {@code operation} (as the client
   * called it, e.g. {@code $train}) may run on it at this site.
   */
  public Admitted admit(String planDefinitionId, StudyKind kind, String operation) throws SiteRefusal {
    PlanDefinition pd = studies.byId(planDefinitionId).orElseThrow(() -> new SiteRefusal(
        SiteRefusal.Reason.UNKNOWN_STUDY, "PlanDefinition/" + planDefinitionId + " is not known at this site"));
    String id = pd.getIdElement().getIdPart();
    StudyDefinition study;
    try {
      study = reader.read(pd);
    } catch (InvalidStudyException e) {
      throw SiteRefusal.invalidStudy(id, e.issues());
    }
    if (study.kind() != kind) {
      throw new SiteRefusal(SiteRefusal.Reason.WRONG_KIND, "study kind is "
          + (study.kind() == null ? "not stated" : study.kind().code()) + "; " + operation + " needs a " + kind.code()
          + " study", "PlanDefinition.extension[studyKind]");
    }
    if (!"active".equals(study.status())) {
      throw new SiteRefusal(SiteRefusal.Reason.NOT_ACTIVE, "study status is " + study.status()
          + "; a site takes part only in active studies", "PlanDefinition.status");
    }
    String digest = StudyDigest.sha256Hex(FhirContext.forR4Cached(), pd);
    Optional<String> notApproved = approvals.whyNotApproved(id, digest);
    if (notApproved.isPresent()) {
      throw new SiteRefusal(SiteRefusal.Reason.NOT_APPROVED, notApproved.get());
    }
    return new Admitted(id, pd, study, digest);
  }
}
