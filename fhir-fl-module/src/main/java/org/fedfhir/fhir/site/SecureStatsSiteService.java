package org.fedfhir.fhir.site;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fedfhir.federation.RoundPolicy;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.Aggregator;
import org.fedfhir.fhir.statistics.StatisticsContribution;
import org.fedfhir.fhir.statistics.TimeToEvent;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $secure-stats} at a site: checks the study through {@link StudyAdmission} (kind
 * statistics, active, approved by the data steward), extracts the cohort, and joins the study at the
 * aggregator over the site's mutual-TLS connection ({@link Aggregator}), stating the site's own
 * minimum cell count. The site's statistics leave it only masked, in the aggregator's round; when
 * the session ends an {@code AuditEvent} (subtype {@code secure-stats}) records it. Logs ids and
 * counts of records, never a value.
 */
public class SecureStatsSiteService {
  private static final Logger LOG = LoggerFactory.getLogger(SecureStatsSiteService.class);
  private static final String STATISTIC = "PlanDefinition.action[0].extension[statistic]";

  private final StudyAdmission admission;
  private final ClinicalDataSource data;
  private final AuditTrail audit;
  private final FeatureExtractor extractor;
  private final String site;
  private final SiteSession.Disclosure disclosure;
  private final int minCohort;
  private final StatisticsReleasePolicy releases;
  private final Aggregator client;
  private final Duration joinTimeout;

  /**
   * @param minCellCount this site's minimum cell count for all statistics studies (the stricter of
   *     the site's, the other sites' and the study's applies)
   * @param minCohort this site's smallest cohort it joins a statistics study with; a smaller cohort
   *     is refused before anything is computed, without publishing its size
   * @param releases what this site lets out of each study: each version once, ε within its cap
   * @param client the site's connection to the aggregator, or null if none is configured
   * @param joinTimeout how long the request waits for the aggregator to accept the join
   */
  public SecureStatsSiteService(StudyAdmission admission, ClinicalDataSource data, AuditTrail audit,
      UcumConverter ucum, String site, int minCellCount, int minCohort, StatisticsReleasePolicy releases,
      Aggregator client, Duration joinTimeout) {
    this.admission = admission;
    this.data = data;
    this.audit = audit;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.disclosure = new SiteSession.Disclosure(minCellCount, false);
    this.minCohort = minCohort;
    this.releases = releases;
    this.client = client;
    this.joinTimeout = joinTimeout;
  }

  /**
   * Joins the study behind {@code PlanDefinition/{planDefinitionId}} and answers once the aggregator
   * has accepted the Join; the site's part runs when the aggregator starts the round.
   */
  public OperationOutcome join(String planDefinitionId, Requester requester) throws SiteRefusal {
    if (client == null) {
      throw new SiteRefusal(SiteRefusal.Reason.NOT_CONFIGURED,
          "statistics studies need an aggregator (not configured at this site)");
    }
    StudyAdmission.Admitted admitted = admission.admit(planDefinitionId, StudyKind.STATISTICS, "$secure-stats");
    String id = admitted.id();
    // admitted as a statistics study: the parser read it as one, declarations and time to event included
    StudyDefinition.Statistics study = (StudyDefinition.Statistics) admitted.study();
    StatisticsDeclarations.Study declared = study.declarations();
    StatisticsReleasePolicy.Request release = StatisticsReleasePolicy.Request.of(study.url(), study.version(),
        declared.statistics());
    String refusal = releases.refusal(release);
    if (refusal != null) {
      throw new SiteRefusal(SiteRefusal.Reason.STATISTICS_REFUSED, refusal);
    }
    Extraction ex = extractor.extract(study, data, Instant.now());
    SiteStatistics.Rows rows = StatisticsContribution.rows(ex.matrix());
    if (rows.size() < minCohort) {
      throw new SiteRefusal(SiteRefusal.Reason.STATISTICS_REFUSED, "this site has fewer than " + minCohort
          + " records in the cohort, its minimum cohort for statistics (fedfhir.statistics.min-cohort)");
    }
    if (rows.size() > declared.maxRecordsPerSite()) {
      throw new SiteRefusal(SiteRefusal.Reason.STATISTICS_REFUSED, "this site has about " + published(rows.size())
          + " records in the cohort; the study allows " + declared.maxRecordsPerSite() + " per site (maxRecordsPerSite)");
    }
    StatisticsContribution work;
    try {
      work = StatisticsContribution.of(declared.statistics(), declared.maxRecordsPerSite(), ex.matrix(),
          TimeToEvent.checked(study.timeToEvent()), data, new org.fedfhir.securecompute.statistics.DisclosurePolicy(
              disclosure.minCellCount(), disclosure.suppressZeros()).stricter(declared.policy()));
    } catch (IllegalArgumentException e) {
      throw new SiteRefusal(SiteRefusal.Reason.STATISTICS_REFUSED, e.getMessage(), STATISTIC);
    }
    // checked again, and recorded, as the round computes the statistics: another session may have released first
    work.beforeRelease(() -> releases.charge(release, id)).epsilonDelta(declared.epsilonDelta());
    SiteSession.Study joined = new SiteSession.Study(study.url(), study.version(),
        admitted.digestBytes(), declared.length(), RoundPolicy.statistics(
            study.parameters().minSites(), study.parameters().threshold(),
            declared.statistics().stream().anyMatch(StatisticDeclaration::iterative)));
    LOG.info("$secure-stats PlanDefinition/{}: joining {}|{} at {} with about {} records", id, study.url(),
        study.version(), client.target(), published(rows.size()));
    CompletableFuture<SiteSession.Outcome> session = client.join(joined, work, disclosure);
    session.whenComplete((outcome, failure) -> audit(id, requester, work, failure));
    awaitJoin(work, session);
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
        .setDiagnostics("joined statistics study " + study.url() + "|" + study.version() + " at the aggregator "
            + client.target() + " with about " + published(rows.size()) + " records; this site's statistics leave it only masked, "
            + "when the aggregator runs $secure-stats; an AuditEvent records the site's part");
    return oo;
  }

  /** A cohort size as the site publishes it: rounded to the nearest 5, never the exact count. */
  static int published(int count) {
    return Math.round(count / 5f) * 5;
  }

  /**
   * Answers only once the aggregator has accepted the Join, so that a run started after every
   * site's 202 includes every site; a refused or unreachable aggregator is the caller's error now,
   * not only in the AuditEvent later.
   */
  private void awaitJoin(StatisticsContribution work, CompletableFuture<SiteSession.Outcome> session)
      throws SiteRefusal {
    try {
      CompletableFuture.anyOf(work.joinedAtAggregator(), session).get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SiteRefusal(SiteRefusal.Reason.AGGREGATOR_FAILED, "the aggregator " + client.target()
          + " did not accept the join: " + client.describe(e.getCause()));
    } catch (TimeoutException e) {
      throw new SiteRefusal(SiteRefusal.Reason.AGGREGATOR_TIMEOUT, "the aggregator " + client.target()
          + " did not answer the join within " + joinTimeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SiteRefusal(SiteRefusal.Reason.INTERRUPTED, "interrupted while joining");
    }
    if (!work.joinedAtAggregator().isDone()) {
      throw new SiteRefusal(SiteRefusal.Reason.AGGREGATOR_FAILED, "the aggregator " + client.target()
          + " ended the session before accepting the join");
    }
  }

  private void audit(String planDefinitionId, Requester requester, StatisticsContribution work, Throwable failure) {
    String reason = work.completedRound() != null ? null
        : work.abortReason() != null ? work.abortReason()
        : failure != null ? client.describe(failure) : "the session ended before a round released the statistics";
    if (reason != null) {
      LOG.warn("$secure-stats PlanDefinition/{}: {}", planDefinitionId, reason);
    }
    try {
      AuditEvent ae = SecureStatsAudit.of(site, requester, planDefinitionId, work.completedRound(), new Date(), reason);
      audit.record(ae);
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of $secure-stats for PlanDefinition/{}", planDefinitionId, e);
    }
  }
}
