package org.fedfhir.tee.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.junit.jupiter.api.Test;

/** The TEE model service's operations, as HAPI derives them from its annotations, are the guide's. */
class TeeOperationsMatchGuideTest {

  @Test
  void attestationProvisionModelPredictAndTheCleanRoomsOperationsMatchTheGuide(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    FhirContext ctx = FhirContext.forR4Cached();
    FedFhirIg ig = FedFhirIg.load(ctx);
    TestNetwork network = new TestNetwork(dir);
    try (SimulatedTeeService tee = SimulatedTeeService.start("127.0.0.1", 0, network.teeTls())) {
      IGenericClient client = network.client("cleveland", "site", tee.server().baseUrl());
      CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
      for (String code : new String[] {"attestation", "provision-model", "predict", "clean-room-submit",
          "clean-room-result"}) {
        var op = cs.getRestFirstRep().getOperation().stream().filter(o -> o.getName().equals(code)).findFirst()
            .orElseThrow(() -> new AssertionError("the service lists no $" + code));
        assertThat(op.getDefinition()).isEqualTo("http://fedfhir.org/fhir/OperationDefinition/" + code);
        OperationDefinition derived = client.read().resource(OperationDefinition.class).withId("-s-" + code).execute();
        OperationDefinitionComparison.assertMatchesGuide(ig, derived);
      }
    }
  }
}
