package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.fedfhir.federation.Strategy;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;

class StudyVariantsTest {
  private final StudyVariants variants = new StudyVariants(FhirContext.forR4Cached());

  @Test
  void eachStrategyIsItsOwnValidStudyWithItsParameters() throws Exception {
    PlanDefinition pd = variants.federated(Strategy.FEDADAGRAD, 20, 4);
    assertThat(pd.getIdElement().getIdPart()).isEqualTo("heart-disease-lr-fedadagrad");
    assertThat(pd.getUrl()).isEqualTo("http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr-fedadagrad");
    StudyDefinition s = new StudyParser().parse(pd);
    assertThat(s.parameters().strategy()).isEqualTo(Strategy.FEDADAGRAD);
    assertThat(s.parameters().rounds()).isEqualTo(20);
    assertThat(s.parameters().minSites()).isEqualTo(4);
    assertThat(s.parameters().localEpochs()).isEqualTo(StudyVariants.LOCAL_EPOCHS_PER_ROUND);
    assertThat(s.parameters().seed()).isEqualTo(43); // the sites' split is the reference study's
  }

  @Test
  void newtonRunsAtMostAFewRoundsAndTheReferenceIsUntouched() throws Exception {
    PlanDefinition newton = variants.federated(Strategy.NEWTON, 20, 4);
    assertThat(new StudyParser().parse(newton).parameters().rounds()).isEqualTo(StudyVariants.NEWTON_MAX_ROUNDS);
    assertThat(variants.reference().getUrl()).isEqualTo("http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr");
    assertThat(new StudyParser().parse(variants.reference()).parameters().strategy()).isEqualTo(Strategy.FEDAVG);
  }

  @Test
  void approvalIsAnActiveResearchStudyWithTheLocalPlanDefinitionAsProtocolAndItsDigest() {
    PlanDefinition pd = variants.federated(Strategy.FEDAVG, 3, 4);
    ResearchStudy rs = StudyVariants.approval(pd);
    assertThat(rs.getStatus()).isEqualTo(ResearchStudy.ResearchStudyStatus.ACTIVE);
    assertThat(rs.getProtocolFirstRep().getReference()).isEqualTo("PlanDefinition/heart-disease-lr-fedavg");
    assertThat(rs.getExtensionByUrl(ApprovalGate.DIGEST_EXTENSION).getValue().primitiveValue())
        .isEqualTo("sha256:" + StudyDigest.sha256Hex(FhirContext.forR4Cached(), pd));
  }
}
