package org.fedfhir.fhir.audit;

import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.fedfhir.federation.ContributionLedger;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.StringType;

/**
 * The {@code AuditEvent} a site records as it masks a contribution to a federated training study,
 * and again as it signs the round's survivors: subtype {@value #CONTRIBUTION}, entity name the
 * study's definition digest (hex SHA-256), details {@value #CONTRIBUTION} (one per contribution:
 * a phase, and the model digest where the phase depends on one), {@value #SITE} (one per site of
 * the sum) and {@value #UNMASKED}. The site's {@link ContributionLedger} reads these back, so a
 * later session of the same study is held to the sites of the earlier ones; an auditor reads them
 * with the rest of the trail. They name sites and digests only: no value, no weight, no patient.
 */
public final class ContributionAudit {
  /** The subtype (system {@link SecureStatsAudit#RELEASE_SYSTEM}) and the detail naming one contribution. */
  public static final String CONTRIBUTION = "federated-contribution";
  /** The detail naming one site among which the contribution was masked. */
  public static final String SITE = "site";
  /** The detail saying whether that set is the one whose sum can be unmasked. */
  public static final String UNMASKED = "unmasked";

  private ContributionAudit() {}

  /** One contribution record: {@code study} the definition digest, {@code contributions} their keys. */
  public record Contribution(String study, List<String> contributions, ContributionLedger.Entry entry) {}

  /** The AuditEvent of {@code site} recording {@code entry} for {@code contributions} to {@code study}. */
  public static AuditEvent of(String site, String study, Collection<String> contributions,
      ContributionLedger.Entry entry, Date recorded) {
    AuditEvent ae = new AuditEvent();
    ae.setType(new Coding(TrainingAudit.AUDIT_TYPE, "rest", "Restful Operation"));
    ae.addSubtype(new Coding(SecureStatsAudit.RELEASE_SYSTEM, CONTRIBUTION, "federated contribution"));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setOutcome(AuditEvent.AuditEventOutcome._0);
    ae.setRecorded(recorded);
    ae.addAgent().setRequestor(false).getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    AuditEvent.AuditEventEntityComponent entity = ae.addEntity().setName(study);
    contributions.forEach(c -> entity.addDetail().setType(CONTRIBUTION).setValue(new StringType(c)));
    entry.sites().forEach(s -> entity.addDetail().setType(SITE).setValue(new StringType(s)));
    entity.addDetail().setType(UNMASKED).setValue(new StringType(Boolean.toString(entry.unmasked())));
    return ae;
  }

  /** The contribution record an AuditEvent of {@link #of} holds, if it is one. */
  public static Optional<Contribution> contributionOf(AuditEvent ae) {
    boolean contribution = ae.getSubtype().stream()
        .anyMatch(c -> SecureStatsAudit.RELEASE_SYSTEM.equals(c.getSystem()) && CONTRIBUTION.equals(c.getCode()));
    if (!contribution || ae.getEntity().isEmpty() || !ae.getEntityFirstRep().hasName()) {
      return Optional.empty();
    }
    List<String> keys = new java.util.ArrayList<>();
    TreeSet<String> sites = new TreeSet<>();
    Boolean unmasked = null;
    for (AuditEvent.AuditEventEntityDetailComponent d : ae.getEntityFirstRep().getDetail()) {
      if (!(d.getValue() instanceof StringType value)) {
        return Optional.empty();
      }
      switch (d.getType()) {
        case CONTRIBUTION -> keys.add(value.getValue());
        case SITE -> sites.add(value.getValue());
        case UNMASKED -> unmasked = Boolean.parseBoolean(value.getValue());
        default -> { }
      }
    }
    if (keys.isEmpty() || sites.isEmpty() || unmasked == null) {
      return Optional.empty();
    }
    return Optional.of(new Contribution(ae.getEntityFirstRep().getName(), List.copyOf(keys),
        new ContributionLedger.Entry(sites, unmasked)));
  }

  /**
   * The ledger's view of a study's records, oldest first: per contribution the entry whose sum
   * was unmasked if there is one, else the last recorded.
   */
  public static Map<String, ContributionLedger.Entry> entries(List<Contribution> oldestFirst) {
    Map<String, ContributionLedger.Entry> entries = new java.util.HashMap<>();
    for (Contribution c : oldestFirst) {
      c.contributions().forEach(k -> entries.merge(k, c.entry(), ContributionLedger.Entry::supersededBy));
    }
    return entries;
  }
}
