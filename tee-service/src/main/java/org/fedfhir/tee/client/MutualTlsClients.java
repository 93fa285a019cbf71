package org.fedfhir.tee.client;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import java.nio.file.Path;
import org.apache.http.impl.client.HttpClients;
import org.fedfhir.access.ClientTls;

/**
 * The HAPI clients of the TEE model service present their party's certificate: a site's (for
 * {@code $predict}) or the aggregator's (for {@code $provision-model}), trusting only the network CA.
 */
public final class MutualTlsClients {

  private MutualTlsClients() {}

  /**
   * Makes every client of {@code ctx} call over mutual TLS with this certificate. {@code ctx} must be
   * the caller's own (not {@code forR4Cached()}): its client factory is set up here.
   */
  public static FhirContext presenting(FhirContext ctx, Path certificate, Path privateKey, Path ca) {
    ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(ctx);
    factory.setHttpClient(HttpClients.custom().setSSLContext(ClientTls.mutual(certificate, privateKey, ca))
        .setMaxConnPerRoute(64).setMaxConnTotal(64).build());
    ctx.setRestfulClientFactory(factory);
    return ctx;
  }
}
