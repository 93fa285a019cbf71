package org.fedfhir.fhir.loader;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;

/** Posts transaction bundles to a FHIR server over REST. */
public final class BundleLoader {
  private final FhirContext ctx;
  private final IGenericClient client;

  /** A loader without credentials (a server that needs none). */
  public BundleLoader(FhirContext ctx, String baseUrl) {
    this(ctx, baseUrl, (java.util.function.Supplier<String>) null);
  }

  /**
   * A loader that authenticates with {@code accessToken} (an integrator's backend-services token
   * with {@code system/*.cruds}); null for none.
   */
  public BundleLoader(FhirContext ctx, String baseUrl, String accessToken) {
    this(ctx, baseUrl, accessToken == null ? null : () -> accessToken);
  }

  /** A loader that asks {@code accessTokens} for a current token before each request (long loads outlive one). */
  public BundleLoader(FhirContext ctx, String baseUrl, java.util.function.Supplier<String> accessTokens) {
    this.ctx = ctx;
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    ctx.getRestfulClientFactory().setSocketTimeout(600_000);
    this.client = ctx.newRestfulGenericClient(baseUrl);
    if (accessTokens != null) {
      client.registerInterceptor(new ca.uhn.fhir.rest.client.api.IClientInterceptor() {
        @Override
        public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
          request.addHeader("Authorization", "Bearer " + accessTokens.get());
        }

        @Override
        public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {}
      });
    }
  }

  /** Posts one transaction bundle; returns the number of entries in the response. */
  public int post(Bundle transaction) {
    Bundle response = client.transaction().withBundle(transaction).execute();
    return response.getEntry().size();
  }

  /** Loads a bundle file (JSON or XML); a {@code batch} or {@code collection} is posted as a transaction. */
  public int postFile(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Bundle b = file.toString().endsWith(".xml")
          ? ctx.newXmlParser().parseResource(Bundle.class, r)
          : ctx.newJsonParser().parseResource(Bundle.class, r);
      if (b.getType() != Bundle.BundleType.TRANSACTION) {
        b.setType(Bundle.BundleType.TRANSACTION);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          if (!e.getRequest().hasMethod()) {
            e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(e.getResource().fhirType());
          }
        }
      }
      return post(b);
    }
  }

  /** Loads a UCI centre in transactions of {@code perBundle} patients; returns the patients loaded. */
  public int loadHeartDisease(HeartDiseaseCentre centre, int perBundle, LocalDate today) {
    List<HeartDiseaseRow> rows = HeartDiseaseRow.read(centre);
    for (int i = 0; i < rows.size(); i += perBundle) {
      post(HeartDiseaseFhir.transaction(centre, rows.subList(i, Math.min(rows.size(), i + perBundle)), today));
    }
    return rows.size();
  }
}
