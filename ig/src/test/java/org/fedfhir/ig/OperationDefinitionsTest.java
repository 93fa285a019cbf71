package org.fedfhir.ig;

import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide's OperationDefinitions have exactly the parameters docs/study-format.md lists: the test
 * reads the doc's operations table, so a change of the contract that the guide misses fails here.
 */
class OperationDefinitionsTest {

  private static final Path DOC = Path.of("..", "docs", "study-format.md");
  private static final Pattern ROW = Pattern.compile("^\\| `\\$([a-z-]+)` \\| (.*?) \\| (.*?) \\| (.*?) \\|$");
  private static final Pattern PARAM = Pattern.compile("`(\\w+)` (\\w+)(?: (\\d+)\\.\\.(\\d+|\\*))?");

  record Param(String name, String use, String type, int min, String max) {}

  record DocOperation(String code, String on, List<Param> params) {
    @Override
    public String toString() {
      return "$" + code;
    }
  }

  static List<DocOperation> documented() throws IOException {
    List<DocOperation> ops = new ArrayList<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Operations");
        continue;
      }
      Matcher row = ROW.matcher(line.trim());
      if (inSection && row.matches()) {
        List<Param> params = new ArrayList<>();
        params.addAll(params(row.group(3), "in"));
        params.addAll(params(row.group(4), "out"));
        ops.add(new DocOperation(row.group(1), row.group(2), params));
      }
    }
    return ops;
  }

  private static List<Param> params(String cell, String use) {
    List<Param> list = new ArrayList<>();
    Matcher m = PARAM.matcher(cell);
    while (m.find()) {
      int min = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      String max = m.group(4) == null ? "1" : m.group(4);
      list.add(new Param(m.group(1), use, m.group(2), min, max));
    }
    return list;
  }

  @Test
  void docListsTheNineOperationsAndTheGuideDefinesExactlyThem() throws IOException {
    assertThat(documented()).extracting(DocOperation::code)
        .containsExactlyInAnyOrder("train", "infer", "infer-batch", "secure-stats", "attestation", "provision-model", "predict",
            "clean-room-submit", "clean-room-result");
    assertThat(SharedIg.get().operationDefinitions()).extracting(OperationDefinition::getUrl)
        .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
            documented().stream().map(d -> FedFhirIg.operationUrl(d.code())),
            java.util.stream.Stream.of(FedFhirIg.SITE_SECURE_STATS, FedFhirIg.operationUrl("clean-room-result-aggregator"),
                "http://fedfhir.org/fhir/OperationDefinition/clean-room-site")).toList());
  }

  @Test
  void siteSecureStatsHasTheAggregatorsCodeButItsOwnUrlAndNoParameters() {
    FedFhirIg ig = SharedIg.get();
    OperationDefinition site = ig.operationDefinitionByUrl(FedFhirIg.SITE_SECURE_STATS).orElseThrow();

    assertThat(site.getCode()).isEqualTo("secure-stats");
    assertThat(site.getIdElement().getIdPart()).isEqualTo("secure-stats-site");
    assertThat(site.getInstance()).isTrue();
    assertThat(site.getSystem()).isFalse();
    assertThat(site.getType()).isFalse();
    assertThat(site.getAffectsState()).isTrue();
    assertThat(site.getResource()).extracting(c -> c.getValue()).containsExactly("PlanDefinition");
    // SecureStatsOperationProvider: manualResponse (202 + OperationOutcome), no @OperationParam
    assertThat(site.getParameter()).isEmpty();
    // by code, the guide answers the aggregator's operation
    assertThat(ig.operationDefinition("secure-stats").orElseThrow().getUrl())
        .isEqualTo(FedFhirIg.operationUrl("secure-stats"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documented")
  void operationDefinitionHasTheDocumentedParameters(DocOperation doc) {
    OperationDefinition od = SharedIg.get().operationDefinition(doc.code()).orElseThrow();

    List<Param> actual = od.getParameter().stream().map(OperationDefinitionsTest::param).toList();

    assertThat(actual).containsExactlyInAnyOrderElementsOf(doc.params());
    assertThat(od.getUrl()).isEqualTo("http://fedfhir.org/fhir/OperationDefinition/" + doc.code());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documented")
  void operationIsInvokedWhereTheDocSays(DocOperation doc) {
    OperationDefinition od = SharedIg.get().operationDefinition(doc.code()).orElseThrow();
    if (doc.on().contains("system")) {
      assertThat(od.getSystem()).isTrue();
      assertThat(od.getInstance()).isFalse();
    } else if (doc.on().contains("type level")) {
      assertThat(od.getType()).isTrue();
      assertThat(od.getInstance()).isFalse();
      assertThat(od.getSystem()).isFalse();
      assertThat(od.getResource()).extracting(c -> c.getValue())
          .containsExactly(doc.on().replaceAll("^`([A-Za-z]+)`.*$", "$1"));
    } else {
      String resource = doc.on().replaceAll("^`([A-Za-z]+)/\\{id}`.*$", "$1");
      assertThat(od.getInstance()).isTrue();
      assertThat(od.getSystem()).isFalse();
      assertThat(od.getResource()).extracting(c -> c.getValue()).containsExactly(resource);
    }
    if (doc.on().contains("POST only")) {
      assertThat(od.getAffectsState()).as("POST only means affectsState = true").isTrue();
    }
  }

  @Test
  void hospitalCapabilityStatementNamesItsOperationsByTheGuidesCanonicalUrls() {
    var rest = SharedIg.get().hospitalServerCapabilityStatement().getRestFirstRep();
    List<String> definitions = rest.getResource().stream()
        .flatMap(r -> r.getOperation().stream().map(o -> r.getType() + " $" + o.getName() + " " + o.getDefinition()))
        .toList();
    assertThat(definitions).containsExactlyInAnyOrder(
        "PlanDefinition $train http://fedfhir.org/fhir/OperationDefinition/train",
        "PlanDefinition $secure-stats http://fedfhir.org/fhir/OperationDefinition/secure-stats-site",
        "PlanDefinition $clean-room http://fedfhir.org/fhir/OperationDefinition/clean-room-site",
        "Patient $infer http://fedfhir.org/fhir/OperationDefinition/infer",
        "Patient $infer-batch http://fedfhir.org/fhir/OperationDefinition/infer-batch");
  }

  private static Param param(OperationDefinitionParameterComponent p) {
    return new Param(p.getName(), p.getUse().toCode(), p.getType(), p.getMin(), p.getMax());
  }
}
