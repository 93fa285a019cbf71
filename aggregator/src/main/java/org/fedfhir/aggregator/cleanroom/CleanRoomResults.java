package org.fedfhir.aggregator.cleanroom;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.tee.client.MutualTlsClients;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;

/**
 * Fetches a clean-room study's receipt and sealed result from the TEE model service's
 * {@code $clean-room-result}, over mutual TLS with the aggregator's certificate.
 *
 * <p>Security guarantees: the study is named by the digest the aggregator computes from the
 * PlanDefinition it published, so the researcher receives the result of that exact study; the result
 * stays sealed to the researcher's key (the aggregator holds no key that opens it); nothing of the
 * answer is logged. Not guaranteed: that the answer comes from the attested enclave rather than the
 * service's host (HPKE base mode does not authenticate the sender); the output SHA-256 the result is
 * bound to is the one every site's audit trail records, which is the researcher's check.
 */
public final class CleanRoomResults {

  private final IGenericClient tee;
  private final FhirContext fhir = FhirContext.forR4Cached();

  public CleanRoomResults(IGenericClient tee) {
    this.tee = tee;
  }

  /** A client of the TEE at {@code url} presenting the aggregator's certificate. */
  public static CleanRoomResults connect(String url, TlsFiles tls) {
    FhirContext ctx = MutualTlsClients.presenting(FhirContext.forR4(), tls.certificate(), tls.privateKey(), tls.ca());
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    ctx.getRestfulClientFactory().setConnectTimeout(5_000);
    ctx.getRestfulClientFactory().setSocketTimeout(30_000);
    return new CleanRoomResults(ctx.newRestfulGenericClient(url));
  }

  /**
   * The TEE's answer for {@code study}: its Parameters unchanged, or the TEE's refusal with its status
   * and OperationOutcome (412 not ready, 422 the run failed).
   */
  public Parameters fetch(PlanDefinition study) {
    Parameters in = new Parameters();
    in.addParameter().setName("studyDigest").setValue(new StringType(StudyDigest.sha256Hex(fhir, study)));
    try {
      return tee.operation().onServer().named("$clean-room-result").withParameters(in).execute();
    } catch (FhirClientConnectionException e) {
      throw new InternalErrorException("the TEE model service cannot be reached for the clean-room result");
    } // any other BaseServerResponseException: the TEE's status and OperationOutcome, for the researcher
  }
}
