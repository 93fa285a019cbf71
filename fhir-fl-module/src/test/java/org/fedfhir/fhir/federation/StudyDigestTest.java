package org.fedfhir.fhir.federation;

import static org.assertj.core.api.Assertions.assertThat;

import org.fedfhir.fhir.Fixtures;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

class StudyDigestTest {

  @Test
  void copiesOnDifferentServersDigestAlikeWhateverTheirIdMetaAndNarrative() {
    PlanDefinition published = Fixtures.study("heart-disease-lr");
    PlanDefinition stored = published.copy();
    stored.setId("PlanDefinition/4711/_history/3");
    stored.getMeta().setVersionId("3").setLastUpdated(new java.util.Date());
    stored.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>heart disease</div>");
    String digest = StudyDigest.sha256Hex(Fixtures.CTX, published);
    assertThat(digest).matches("[0-9a-f]{64}");
    assertThat(StudyDigest.sha256Hex(Fixtures.CTX, stored)).isEqualTo(digest);
    // round trip through JSON, as a server stores and returns it
    PlanDefinition reparsed = Fixtures.CTX.newJsonParser().parseResource(PlanDefinition.class,
        Fixtures.CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(stored));
    assertThat(StudyDigest.sha256Hex(Fixtures.CTX, reparsed)).isEqualTo(digest);
  }

  @Test
  void theSiteComputesTheSameDigestAsTheAggregatorsRegistry() {
    PlanDefinition study = Fixtures.study("heart-disease-lr");
    study.setId("PlanDefinition/heart-disease-lr/_history/2");
    assertThat(StudyDigest.sha256Hex(Fixtures.CTX, study))
        .isEqualTo(org.fedfhir.ig.StudyDigest.sha256Hex(Fixtures.CTX, Fixtures.study("heart-disease-lr")));
  }

  @Test
  void anyChangeOfAParameterChangesTheDigest() {
    PlanDefinition a = Fixtures.study("heart-disease-lr");
    PlanDefinition b = a.copy();
    Extension rounds = b.addExtension().setUrl("http://fedfhir.org/fhir/StructureDefinition/study-parameter");
    rounds.addExtension("name", new org.hl7.fhir.r4.model.CodeType("rounds"));
    rounds.addExtension("value", new org.hl7.fhir.r4.model.IntegerType(21));
    assertThat(StudyDigest.sha256Hex(Fixtures.CTX, b)).isNotEqualTo(StudyDigest.sha256Hex(Fixtures.CTX, a));
  }
}
