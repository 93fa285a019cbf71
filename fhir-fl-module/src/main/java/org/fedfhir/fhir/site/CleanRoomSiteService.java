package org.fedfhir.fhir.site;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fedfhir.fhir.audit.CleanRoomAudit;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.tee.cleanroom.CleanRoom;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.client.CleanRoomSealer;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $clean-room} at a site: admits the study ({@link StudyAdmission}: kind clean-room, active,
 * approved by the data steward at its current digest, so a changed module is not admitted), extracts
 * the cohort with the training extraction (codes, UCUM units, consent, criteria) into a
 * {@link RowTable} of the study's features in order, then {@code label}, verifies the TEE's
 * attestation against the site's policy, seals the rows to the attested enclave key
 * ({@link CleanRoomSealer}: bound to the study digest, the program's SHA-256 and this site) and
 * delivers them with {@code $clean-room-submit}. An AuditEvent ({@value CleanRoomAudit#DELIVERY})
 * records the delivery; afterwards the site polls {@code $clean-room-result} until a bounded
 * deadline and records the receipt ({@value CleanRoomAudit#RESULT}: program and output SHA-256,
 * sites pooled, or the run's failure code).
 *
 * <p>Security guarantees: no row is sealed, let alone sent, unless the TEE's attestation verified
 * against the site's policy (measurement, and for Nitro the PCRs); the rows leave only as HPKE
 * ciphertext for the approved study and program; a receipt naming another program than the approved
 * one is recorded as a failure; logs and AuditEvents name studies, digests and rounded counts, never
 * a row or a value.
 */
public final class CleanRoomSiteService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CleanRoomSiteService.class);
  /** The receipt's failure code when none came before the deadline. */
  public static final String NO_RESULT_BY_DEADLINE = "no-result-by-deadline";

  private final StudyAdmission admission;
  private final ClinicalDataSource data;
  private final AuditTrail audit;
  private final FeatureExtractor extractor;
  private final String site;
  private final TeeClient tee;
  private final String teeUrl;
  private final Clock clock;
  private final Duration pollEvery;
  private final Duration resultDeadline;
  private final ScheduledExecutorService polls = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "clean-room-receipts");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param site this site's name, as its certificate names it to the TEE (the sealing binds it)
   * @param tee the site's client of the TEE model service (attestation policy included), or null if
   *     none is configured
   * @param teeUrl the TEE's base URL, for messages
   * @param pollEvery how often the site asks for the run's receipt after delivering
   * @param resultDeadline how long after delivering it keeps asking before recording that none came
   */
  public CleanRoomSiteService(StudyAdmission admission, ClinicalDataSource data, AuditTrail audit, UcumConverter ucum,
      String site, TeeClient tee, String teeUrl, Clock clock, Duration pollEvery, Duration resultDeadline) {
    if (pollEvery.isNegative() || pollEvery.isZero() || resultDeadline.compareTo(pollEvery) < 0) {
      throw new IllegalArgumentException("clean-room receipt polling every " + pollEvery + " until " + resultDeadline
          + ": need 0 < poll interval ≤ deadline");
    }
    this.admission = admission;
    this.data = data;
    this.audit = audit;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.tee = tee;
    this.teeUrl = teeUrl;
    this.clock = clock;
    this.pollEvery = pollEvery;
    this.resultDeadline = resultDeadline;
  }

  /**
   * Delivers this site's rows for the clean-room study behind {@code PlanDefinition/{planDefinitionId}}.
   *
   * @return the TEE's answer: {@code studyDigest}, {@code delivered}, {@code needed}, {@code ran}
   * @throws SiteRefusal the study is unknown, invalid, not a clean-room study, not active or not
   *     approved at its current digest (nothing extracted, nothing sent)
   * @throws CleanRoomRefusal no TEE configured, its attestation failed (nothing sent), or it refused
   */
  public Parameters deliver(String planDefinitionId, Requester requester) throws OperationRefusal {
    if (tee == null) {
      throw new CleanRoomRefusal(CleanRoomRefusal.Reason.TEE_NOT_CONFIGURED,
          "clean-room studies need the TEE model service (fedfhir.tee.url, not configured at this site)");
    }
    StudyAdmission.Admitted admitted = admission.admit(planDefinitionId, StudyKind.CLEAN_ROOM, "$clean-room");
    String id = admitted.id();
    StudyDefinition.CleanRoom study = (StudyDefinition.CleanRoom) admitted.study();
    String programSha256 = study.program().sha256();
    RowTable rows = rows(study, extractor.extract(study, data, clock.instant()).matrix());
    int published = SecureStatsSiteService.published(rows.rows());
    CleanRoomAudit.Delivery undelivered = new CleanRoomAudit.Delivery(admitted.digest(), programSha256, published,
        null, null);

    VerifiedAttestation attested;
    try {
      attested = tee.attestation();
    } catch (AttestationException e) {
      throw refused(id, requester, undelivered, new CleanRoomRefusal(CleanRoomRefusal.Reason.ATTESTATION_FAILED,
          "the TEE model service at " + teeUrl + " failed this site's attestation policy ("
              + e.getClass().getSimpleName() + ": " + e.getMessage() + "); no row was sent"));
    } catch (TeeServiceException e) {
      throw refused(id, requester, undelivered, teeRefusal(e, "$attestation"));
    }
    byte[] sealed = CleanRoomSealer.seal(attested, admitted.digest(), programSha256, site, rows);
    Parameters answer;
    try {
      answer = tee.submitCleanRoomRows(admitted.planDefinition(), sealed);
    } catch (TeeServiceException e) {
      throw refused(id, requester, undelivered, teeRefusal(e, "$clean-room-submit"));
    }
    Integer delivered = integer(answer, "delivered");
    Integer needed = integer(answer, "needed");
    record(CleanRoomAudit.delivery(site, requester, id, new CleanRoomAudit.Delivery(admitted.digest(), programSha256,
        published, delivered, needed), Date.from(clock.instant()), null), id);
    LOG.info("$clean-room PlanDefinition/{}: delivered about {} records sealed to the TEE at {} ({} of {} sites)", id,
        published, teeUrl, delivered, needed);
    Instant deadline = clock.instant().plus(resultDeadline);
    polls.schedule(() -> awaitReceipt(id, requester, admitted.digest(), programSha256, deadline),
        pollEvery.toMillis(), TimeUnit.MILLISECONDS);
    return answer;
  }

  /**
   * The rows a site delivers: the study's features in order, then {@code label} (0 or 1). A missing
   * value stays NaN, as the extraction gives it under {@code impute-mean}; under {@code drop} the
   * extraction has left such patients out. Imputation, if any, is the program's business.
   */
  static RowTable rows(StudyDefinition.CleanRoom study, FeatureMatrix matrix) {
    List<String> columns = CleanRoom.columns(study);
    if (!matrix.names().equals(columns.subList(0, columns.size() - 1))) {
      throw new IllegalStateException("the extraction's features " + matrix.names() + " are not the study's "
          + study.featureNames());
    }
    int width = columns.size();
    double[] values = new double[matrix.rows() * width];
    for (int i = 0; i < matrix.rows(); i++) {
      System.arraycopy(matrix.values()[i], 0, values, i * width, width - 1);
      values[i * width + width - 1] = matrix.labels()[i];
    }
    return new RowTable(columns, values);
  }

  /** One poll of {@code $clean-room-result}; schedules the next until a receipt, a failure or the deadline. */
  private void awaitReceipt(String id, Requester requester, String digest, String programSha256, Instant deadline) {
    CleanRoomAudit.Receipt receipt;
    String failure;
    try {
      Parameters result = tee.cleanRoomResult(digest);
      String ran = string(result, "programSha256");
      List<String> sites = new ArrayList<>();
      result.getParameter().stream().filter(p -> "site".equals(p.getName()) && p.hasValue())
          .forEach(p -> sites.add(p.getValue().primitiveValue()));
      boolean approvedProgram = programSha256.equals(ran) && digest.equals(string(result, "studyDigest"));
      receipt = new CleanRoomAudit.Receipt(digest, ran, string(result, "outputSha256"), sites,
          approvedProgram ? null : "program-mismatch");
      failure = approvedProgram ? null : "the TEE's receipt names program " + ran + " for study digest "
          + string(result, "studyDigest") + "; this site approved program " + programSha256 + " for " + digest;
    } catch (TeeServiceException e) {
      boolean transient_ = "result-not-ready".equals(e.code()) || "unreachable".equals(e.code())
          || e.status() >= 500;
      if (transient_ && clock.instant().plus(pollEvery).isBefore(deadline)) {
        polls.schedule(() -> awaitReceipt(id, requester, digest, programSha256, deadline), pollEvery.toMillis(),
            TimeUnit.MILLISECONDS);
        return;
      }
      String code = transient_ ? NO_RESULT_BY_DEADLINE : e.code();
      receipt = new CleanRoomAudit.Receipt(digest, programSha256, null, List.of(), code);
      failure = transient_ ? "no receipt from the TEE at " + teeUrl + " by the deadline (last: " + e.code() + ")"
          : "the clean-room run failed: " + e.getMessage();
    } catch (RuntimeException e) {
      receipt = new CleanRoomAudit.Receipt(digest, programSha256, null, List.of(), "site-error");
      failure = "the site could not read the TEE's receipt (" + e.getClass().getSimpleName() + ")";
    }
    if (failure != null) {
      LOG.warn("$clean-room PlanDefinition/{}: {}", id, failure);
    }
    record(CleanRoomAudit.result(site, requester, id, receipt, Date.from(clock.instant()), failure), id);
  }

  private CleanRoomRefusal refused(String id, Requester requester, CleanRoomAudit.Delivery delivery,
      CleanRoomRefusal refusal) {
    LOG.warn("$clean-room PlanDefinition/{}: {}", id, refusal.getMessage());
    record(CleanRoomAudit.delivery(site, requester, id, delivery, Date.from(clock.instant()), refusal.getMessage()),
        id);
    return refusal;
  }

  private CleanRoomRefusal teeRefusal(TeeServiceException e, String operation) {
    CleanRoomRefusal.Reason reason = "already-delivered".equals(e.code()) ? CleanRoomRefusal.Reason.ALREADY_DELIVERED
        : e.status() >= 400 && e.status() < 500 ? CleanRoomRefusal.Reason.TEE_REFUSED
        : CleanRoomRefusal.Reason.TEE_FAILED;
    return new CleanRoomRefusal(reason, "the TEE model service at " + teeUrl + " answered " + operation + " with "
        + e.code() + (e.status() > 0 ? " (HTTP " + e.status() + ")" : "") + ": " + e.getMessage());
  }

  private void record(org.hl7.fhir.r4.model.AuditEvent ae, String id) {
    try {
      audit.record(ae);
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of $clean-room for PlanDefinition/{}", id, e);
    }
  }

  private static Integer integer(Parameters p, String name) {
    Type v = p.getParameter(name) == null ? null : p.getParameter(name).getValue();
    return v instanceof org.hl7.fhir.r4.model.IntegerType i ? i.getValue() : null;
  }

  private static String string(Parameters p, String name) {
    Type v = p.getParameter(name) == null ? null : p.getParameter(name).getValue();
    return v == null ? null : v.primitiveValue();
  }

  /** Stops polling for receipts (a receipt not yet recorded is not recorded). */
  @Override
  public void close() {
    polls.shutdownNow();
  }
}
