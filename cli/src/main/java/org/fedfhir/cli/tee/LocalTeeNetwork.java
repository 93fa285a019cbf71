package org.fedfhir.cli.tee;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.fhir.QueryBudgets;
import org.fedfhir.tee.fhir.SimulatedTeeService;

/**
 * A simulated TEE model service on loopback with a throwaway network PKI, for the benchmarks: the
 * service serves mutual TLS as always; the aggregator's client provisions, a site's client predicts.
 * Budgets are lifted (a benchmark asks many predictions on purpose).
 */
public record LocalTeeNetwork(SimulatedTeeService tee, Path pki) implements AutoCloseable {

  public static LocalTeeNetwork start() throws Exception {
    Path pki = Files.createTempDirectory("fedfhir-tee-bench").resolve("pki");
    PkiDirectory.init(pki, "FedFHIR benchmark network", List.of("bench-site"));
    SimulatedTeeService tee = SimulatedTeeService.start("127.0.0.1", 0, new TlsSettings(
        PkiDirectory.certificateFile(pki, "tee"), PkiDirectory.keyFile(pki, "tee"), PkiDirectory.caCertificateFile(pki),
        TlsSettings.ClientAuth.NEED), new QueryBudgets(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofHours(24),
        Clock.systemUTC()), EnclaveModelService.DEFAULT_MAX_MODELS, new Object[0]);
    return new LocalTeeNetwork(tee, pki);
  }

  /** A client context presenting {@code party}'s certificate ({@code aggregator} or {@code bench-site}). */
  public FhirContext context(String party) {
    FhirContext ctx = MutualTlsClients.presenting(FhirContext.forR4(), PkiDirectory.certificateFile(pki, party),
        PkiDirectory.keyFile(pki, party), PkiDirectory.caCertificateFile(pki));
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return ctx;
  }

  /** The aggregator's client (provisions models). */
  public IGenericClient aggregator() {
    return context("aggregator").newRestfulGenericClient(tee.server().baseUrl());
  }

  /** A site's client (asks predictions). */
  public IGenericClient site() {
    return context("bench-site").newRestfulGenericClient(tee.server().baseUrl());
  }

  @Override
  public void close() throws Exception {
    tee.close();
  }
}
