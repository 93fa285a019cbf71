package org.fedfhir.fhir.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.fhir.study.StudyDefinition;
import org.fedfhir.fhir.study.StudyKind;
import org.fedfhir.fhir.study.StudyReader;
import org.fedfhir.ig.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/** A site's part in the heart-disease statistics study, from its FHIR records to the vector it masks. */
class StatisticsContributionTest {

  private static final PlanDefinition STUDY = Fixtures.study("heart-disease-stats");

  @Test
  void theStatisticsStudyIsReadBySiteAndAggregatorAlike() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);

    assertThat(study.kind()).isEqualTo(StudyKind.STATISTICS);
    assertThat(declared.statistics()).extracting(d -> d.name())
        .containsExactly("cp-by-diagnosis", "chol-by-sex", "thalach-by-diagnosis");
    assertThat(declared.length()).isEqualTo(8 + 2 * (4 + 12) + 6);
    assertThat(declared.maxRecordsPerSite()).isEqualTo(100_000);
    assertThat(declared.policy().minCellCount()).isEqualTo(5);
  }

  @Test
  void theFourCentresContributionsSumToTheCountsOfTheRawUciRecords() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    double[] sum = new double[declared.length()];
    long[] expected = new long[8];
    for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
      Extraction ex = extractor.extract(study, Fixtures.centre(centre, LocalDate.now()), Instant.now());
      StatisticsContribution work = new StatisticsContribution(
          new SiteStatistics(declared.statistics(), declared.maxRecordsPerSite()), StatisticsContribution.rows(ex.matrix()));
      double[] v = work.statistics(1);
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
      for (HeartDiseaseRow row : HeartDiseaseRow.read(centre)) {
        double cp = row.get("cp");
        if (!Double.isNaN(cp)) {
          expected[(int) (Math.round(cp) - 1) * 2 + row.label()]++;
        }
      }
    }
    double[] cells = Arrays.copyOf(sum, 8);
    assertThat(cells).containsExactly(Arrays.stream(expected).asDoubleStream().toArray(), within(0.0));
    ContingencyTable.Result table = (ContingencyTable.Result) declared.statistics().get(0).statistic()
        .combine(cells, Release.of(DisclosurePolicy.defaults(), 4));
    assertThat(table.total().getAsLong()).isEqualTo(920);
    assertThat(table.chiSquare().orElseThrow().statistic()).isCloseTo(268.3457, within(1e-4));
  }

  @Test
  void theSitesAuditRecordNamesTheStudyAndRoundAndNoValue() {
    AuditEvent ae = SecureStatsAudit.of("cleveland", "researcher", "heart-disease-stats", 3, new java.util.Date(0), null);

    assertThat(ae.getSubtype()).extracting(c -> c.getCode()).containsExactly("operation", "secure-stats");
    assertThat(ae.getEntityFirstRep().getWhat().getReference()).isEqualTo("PlanDefinition/heart-disease-stats");
    assertThat(ae.getEntityFirstRep().getDetail()).extracting(d -> d.getType() + "=" + d.getValue().primitiveValue())
        .containsExactly("round=3");
    assertThat(ae.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    String json = Fixtures.CTX.newJsonParser().encodeResourceToString(ae);
    assertThat(json).doesNotContainPattern("\"value[A-Z][a-z]+\":\\s*[0-9]");
    assertThat(List.of(ae.getEntity().size(), ae.getAgent().size())).containsExactly(1, 2);
  }
}
