package org.fedfhir.fhir.plugin;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.FederationClient;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.statistics.StatisticsContribution;
import org.fedfhir.fhir.statistics.TimeToEvent;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $secure-stats} at a site: checks the study (kind statistics, active, approved by the data
 * steward), extracts the cohort, and joins the study at the aggregator over the site's mutual-TLS
 * connection ({@link FederationClient}), stating the site's own minimum cell count. The site's
 * statistics leave it only masked, in the aggregator's round; when the session ends an
 * {@code AuditEvent} (subtype {@code secure-stats}) records it. Logs ids and counts of records,
 * never a value.
 */
public class SecureStatsSiteService {
  private static final Logger LOG = LoggerFactory.getLogger(SecureStatsSiteService.class);

  private final FhirContext ctx;
  private final DaoRegistry daos;
  private final StudyReader reader;
  private final FeatureExtractor extractor;
  private final String site;
  private final SiteSession.Disclosure disclosure;
  private final FederationClient client;
  private final java.time.Duration joinTimeout = java.time.Duration.ofSeconds(30);

  /**
   * @param minCellCount this site's minimum cell count for all statistics studies (the stricter of
   *     the site's, the other sites' and the study's applies)
   * @param client the site's connection to the aggregator, or null if none is configured
   */
  public SecureStatsSiteService(FhirContext ctx, DaoRegistry daos, StudyReader reader, UcumConverter ucum,
      String site, int minCellCount, FederationClient client) {
    this.ctx = ctx;
    this.daos = daos;
    this.reader = reader;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.disclosure = new SiteSession.Disclosure(minCellCount, false);
    this.client = client;
  }

  /**
   * Joins the study and answers once the aggregator has accepted the Join; the site's part runs
   * when the aggregator starts the round.
   */
  public OperationOutcome join(IdType planDefinitionId, Requester requester) {
    PlanDefinition pd = daos.getResourceDao(PlanDefinition.class)
        .read(planDefinitionId.toUnqualifiedVersionless(), new SystemRequestDetails());
    String id = pd.getIdElement().getIdPart();
    StudyDefinition study;
    StatisticsDeclarations.Study declared;
    try {
      study = reader.read(pd);
      declared = StatisticsDeclarations.read(pd);
    } catch (InvalidStudyException e) {
      throw new UnprocessableEntityException(ctx, StudyReader.toOperationOutcome(e.issues()));
    } catch (IllegalArgumentException e) {
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE,
          e.getMessage(), "PlanDefinition.action[0].extension[statistic]"));
    }
    if (study.kind() != StudyKind.STATISTICS || !"active".equals(study.status())) {
      String msg = "$secure-stats needs an active statistics study; this one is " + study.status() + " "
          + (study.kind() == null ? "" : study.kind().code());
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE, msg,
          "PlanDefinition.extension[studyKind]"));
    }
    if (client == null) {
      String msg = "statistics studies need an aggregator (not configured at this site)";
      throw new NotImplementedOperationException(msg, Outcomes.error(OperationOutcome.IssueType.NOTSUPPORTED, msg, null));
    }
    if (!ApprovalGate.isApproved(id, approvals(id))) {
      String msg = "no active ResearchStudy has PlanDefinition/" + id + " as protocol: the data steward has not "
          + "approved this study at this site";
      throw new ForbiddenOperationException(msg, Outcomes.error(OperationOutcome.IssueType.FORBIDDEN, msg, null));
    }
    Extraction ex = extractor.extract(study, new DaoClinicalDataSource(daos), Instant.now());
    SiteStatistics.Rows rows = StatisticsContribution.rows(ex.matrix());
    if (rows.size() > declared.maxRecordsPerSite()) {
      String msg = "this site has " + rows.size() + " records in the cohort; the study allows "
          + declared.maxRecordsPerSite() + " per site (maxRecordsPerSite)";
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE, msg, null));
    }
    StatisticsContribution work;
    try {
      work = StatisticsContribution.of(declared.statistics(), declared.maxRecordsPerSite(), ex.matrix(),
          TimeToEvent.read(pd), new DaoClinicalDataSource(daos));
    } catch (IllegalArgumentException e) {
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE,
          e.getMessage(), "PlanDefinition.action[0].extension[statistic]"));
    }
    SiteSession.Study joined = new SiteSession.Study(study.url(), study.version(), StudyDigest.sha256(ctx, pd),
        declared.length());
    LOG.info("$secure-stats PlanDefinition/{}: joining {}|{} at {} with {} records", id, study.url(), study.version(),
        client.target(), rows.size());
    CompletableFuture<SiteSession.Outcome> session = client.join(joined, work, disclosure);
    session.whenComplete((outcome, failure) -> audit(id, requester, work, failure));
    awaitJoin(work, session);
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
        .setDiagnostics("joined statistics study " + study.url() + "|" + study.version() + " at the aggregator "
            + client.target() + " with " + rows.size() + " records; this site's statistics leave it only masked, "
            + "when the aggregator runs $secure-stats; an AuditEvent records the site's part");
    return oo;
  }

  /**
   * Answers only once the aggregator has accepted the Join, so that a run started after every
   * site's 202 includes every site; a refused or unreachable aggregator is the caller's error now,
   * not only in the AuditEvent later.
   */
  private void awaitJoin(StatisticsContribution work, CompletableFuture<SiteSession.Outcome> session) {
    try {
      CompletableFuture.anyOf(work.joinedAtAggregator(), session).get(joinTimeout.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      String msg = "the aggregator " + client.target() + " did not accept the join: " + client.describe(e.getCause());
      throw new UnclassifiedServerFailureException(502, msg, Outcomes.error(OperationOutcome.IssueType.TRANSIENT,
          msg, null));
    } catch (java.util.concurrent.TimeoutException e) {
      String msg = "the aggregator " + client.target() + " did not answer the join within " + joinTimeout.toSeconds()
          + " s";
      throw new UnclassifiedServerFailureException(504, msg, Outcomes.error(OperationOutcome.IssueType.TIMEOUT,
          msg, null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnclassifiedServerFailureException(503, "interrupted while joining");
    }
    if (!work.joinedAtAggregator().isDone()) {
      String msg = "the aggregator " + client.target() + " ended the session before accepting the join";
      throw new UnclassifiedServerFailureException(502, msg, Outcomes.error(OperationOutcome.IssueType.TRANSIENT,
          msg, null));
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
      daos.getResourceDao(AuditEvent.class).create(ae, new SystemRequestDetails());
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of $secure-stats for PlanDefinition/{}", planDefinitionId, e);
    }
  }

  private List<ResearchStudy> approvals(String planDefinitionId) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("protocol",
        new ReferenceParam("PlanDefinition/" + planDefinitionId));
    return daos.getResourceDao(ResearchStudy.class).searchForResources(map, new SystemRequestDetails());
  }
}
