package org.fedfhir.fhir.site;

import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;

/**
 * What a site lets out of one statistics study, decided at the site whatever the aggregator asks
 * (a deviating aggregator could otherwise difference two exact releases, one with a site and one
 * without, and read that site's table):
 *
 * <ul>
 *   <li>each version of a study is released once; a second release of the same version only when
 *       every one of its statistics is differentially private;
 *   <li>the ε of all releases of the study's url — every version together — stays within the cap the
 *       site's data steward sets ({@code fedfhir.statistics.epsilon-cap}), whatever budget the
 *       researcher declared.
 * </ul>
 *
 * A release is charged when the site computes its statistics for a STATISTICS round, before
 * anything leaves it, whether or not the aggregator then completes the round: an aggregator that
 * aborts a round on purpose and runs it again has had its release.
 */
public final class StatisticsReleasePolicy {

  /** The default cap on ε per study url at a site. */
  public static final double DEFAULT_EPSILON_CAP = 1.0;

  /**
   * A release the site is asked for.
   *
   * @param studyUrl the study's canonical url
   * @param studyVersion its version
   * @param epsilon the ε its statistics spend together (0 if none is differentially private)
   * @param everyStatisticPrivate whether every statistic declares ε (nothing exact is released)
   */
  public record Request(String studyUrl, String studyVersion, double epsilon, boolean everyStatisticPrivate) {

    /** The release of a statistics study declaring {@code statistics}. */
    public static Request of(String studyUrl, String studyVersion, List<StatisticDeclaration> statistics) {
      double epsilon = statistics.stream().mapToDouble(d -> d.epsilon().orElse(0.0)).sum();
      boolean all = !statistics.isEmpty() && statistics.stream().allMatch(d -> d.epsilon().isPresent());
      return new Request(studyUrl, studyVersion, epsilon, all);
    }
  }

  private final StatisticsReleases releases;
  private final AuditTrail audit;
  private final String site;
  private final double epsilonCap;

  /**
   * @param releases the site's releases so far, read from its audit trail
   * @param audit where a new release is recorded
   * @param site this hospital's name
   * @param epsilonCap the most ε this site spends on one study url, every version together, ≥ 0
   */
  public StatisticsReleasePolicy(StatisticsReleases releases, AuditTrail audit, String site, double epsilonCap) {
    this.releases = Objects.requireNonNull(releases, "releases");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.site = Objects.requireNonNull(site, "site");
    if (!(epsilonCap >= 0) || Double.isInfinite(epsilonCap)) {
      throw new IllegalArgumentException("fedfhir.statistics.epsilon-cap " + epsilonCap + "; need a finite ε ≥ 0");
    }
    this.epsilonCap = epsilonCap;
  }

  /** Null if the site may release {@code request} now, else why not (says no value). */
  public String refusal(Request request) {
    List<SecureStatsAudit.Release> past = releases.releases(request.studyUrl());
    boolean released = past.stream().anyMatch(e -> e.studyVersion().equals(request.studyVersion()));
    if (released && !request.everyStatisticPrivate()) {
      return "this site has already released the statistics of " + request.studyUrl() + "|" + request.studyVersion()
          + "; it releases a version again only if every statistic is differentially private (epsilon)";
    }
    double spent = past.stream().mapToDouble(SecureStatsAudit.Release::epsilon).sum();
    if (request.epsilon() > 0 && spent + request.epsilon() > epsilonCap + 1e-12) {
      return String.format(Locale.ROOT, "the statistics of %s spend ε %.4g; this site has spent ε %.4g on that study"
          + " (all versions) of its cap %.4g (fedfhir.statistics.epsilon-cap)", request.studyUrl(),
          request.epsilon(), spent, epsilonCap);
    }
    return null;
  }

  /**
   * Records the release of {@code request}, or refuses it: called as the site computes its
   * statistics for a STATISTICS round, so a refusal ends the site's session before anything leaves.
   *
   * @throws SiteSession.RoundRefusedException if the release is not allowed (any longer)
   */
  public synchronized void charge(Request request, String planDefinitionId) {
    String refusal = refusal(request);
    if (refusal != null) {
      throw new SiteSession.RoundRefusedException("this site refused the STATISTICS round: " + refusal);
    }
    audit.record(SecureStatsAudit.release(site, planDefinitionId,
        new SecureStatsAudit.Release(request.studyUrl(), request.studyVersion(), request.epsilon()), new Date()));
  }
}
