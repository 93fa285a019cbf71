package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

/** A site's own limits on what it releases of a statistics study, on its in-memory audit trail. */
class StatisticsReleasePolicyTest {
  static final String URL = "http://example.org/study/heart-stats";

  final InMemorySite site = new InMemorySite();
  final StatisticsReleasePolicy policy = new StatisticsReleasePolicy(site, site, "cleveland", 1.0);

  static StatisticsReleasePolicy.Request exact(String version) {
    return new StatisticsReleasePolicy.Request(URL, version, 0, false);
  }

  static StatisticsReleasePolicy.Request private_(String version, double epsilon) {
    return new StatisticsReleasePolicy.Request(URL, version, epsilon, true);
  }

  @Test
  void aVersionWithExactStatisticsIsReleasedOnceAndTheReleaseIsAudited() {
    policy.charge(exact("1"), "stats");

    assertThatThrownBy(() -> policy.charge(exact("1"), "stats"))
        .isInstanceOf(SiteSession.RoundRefusedException.class)
        .hasMessageContaining("already released the statistics of " + URL + "|1");
    assertThat(site.audits).hasSize(1);
    AuditEvent audit = site.audits.get(0);
    assertThat(SecureStatsAudit.releaseOf(audit)).contains(new SecureStatsAudit.Release(URL, "1", 0));
    assertThat(audit.getEntityFirstRep().getWhat().getReference()).isEqualTo("PlanDefinition/stats");
  }

  @Test
  void aNewVersionIsANewRelease() {
    policy.charge(exact("1"), "stats");

    assertThat(policy.refusal(exact("2"))).isNull();
    assertThat(policy.refusal(new StatisticsReleasePolicy.Request("http://example.org/other", "1", 0, false))).isNull();
  }

  @Test
  void aStudyWithSomeExactStatisticsIsNotReleasedTwiceEvenIfOthersArePrivate() {
    StatisticsReleasePolicy.Request mixed = new StatisticsReleasePolicy.Request(URL, "1", 0.2, false);
    policy.charge(mixed, "stats");

    assertThat(policy.refusal(mixed)).contains("only if every statistic is differentially private");
  }

  @Test
  void aPrivateVersionIsReleasedAgainUntilTheSitesCapForTheStudyUrlAcrossVersionsIsSpent() {
    policy.charge(private_("1", 0.4), "stats");
    policy.charge(private_("1", 0.4), "stats");

    // 0.8 spent on the url; version 2 of the same study is charged to the same cap
    assertThat(policy.refusal(private_("2", 0.2))).isNull();
    assertThatThrownBy(() -> policy.charge(private_("2", 0.4), "stats-v2"))
        .isInstanceOf(SiteSession.RoundRefusedException.class)
        .hasMessageContaining("this site has spent ε 0.8000 on that study (all versions) of its cap 1.000");
    assertThat(site.releases(URL)).hasSize(2);
  }

  @Test
  void aResearchersBudgetAboveTheSitesCapDoesNotBuyMore() {
    assertThat(policy.refusal(private_("1", 1.5))).contains("spend ε 1.500");
  }

  @Test
  void aNegativeCapIsRefused() {
    assertThatThrownBy(() -> new StatisticsReleasePolicy(site, site, "cleveland", -1))
        .hasMessageContaining("fedfhir.statistics.epsilon-cap");
  }
}
