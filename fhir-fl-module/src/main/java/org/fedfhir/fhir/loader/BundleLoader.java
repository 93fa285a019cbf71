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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
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
    return transaction(transaction).getEntry().size();
  }

  /** Posts one transaction bundle; returns the server's response bundle (entry i answers entry i). */
  public Bundle transaction(Bundle transaction) {
    return client.transaction().withBundle(transaction).execute();
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
    return loadHeartDisease(centre, perBundle, today, 1);
  }

  /**
   * Loads a UCI centre in transactions of {@code perBundle} patients, {@code inFlight} of them posted
   * at once; returns the patients loaded.
   */
  public int loadHeartDisease(HeartDiseaseCentre centre, int perBundle, LocalDate today, int inFlight) {
    List<HeartDiseaseRow> rows = HeartDiseaseRow.read(centre);
    int bundles = (rows.size() + perBundle - 1) / perBundle;
    postConcurrently(bundles, inFlight, i -> HeartDiseaseFhir.transaction(centre,
        rows.subList(i * perBundle, Math.min(rows.size(), (i + 1) * perBundle)), today));
    return rows.size();
  }

  /** What {@link #loadSynthetic} wrote. */
  public record Loaded(long resources, long consents, long consentsSkipped) {}

  /**
   * Loads patients {@code 0 … patients-1} of a synthetic population in transactions of
   * {@code perBundle} patients, {@code inFlight} of them posted at once (each made by the thread that
   * posts it, so only {@code inFlight} bundles are ever in memory). The Consents are governance, not
   * clinical record: they go in a second transaction through {@code consents} (a data steward's
   * loader), their patient references rewritten to the Patients the first one created; with
   * {@code consents} null they are skipped and counted.
   */
  public Loaded loadSynthetic(SyntheticCohort cohort, int patients, int perBundle, int inFlight,
      BundleLoader consents) {
    if (patients < 0 || perBundle < 1) {
      throw new IllegalArgumentException("patients " + patients + ", per bundle " + perBundle
          + ": need patients ≥ 0 and at least 1 per bundle");
    }
    int bundles = (patients + perBundle - 1) / perBundle;
    long[] written = new long[3];
    inParallel(bundles, inFlight, i -> {
      Bundle all = cohort.transaction(i * perBundle, Math.min(perBundle, patients - i * perBundle));
      Bundle clinical = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      Bundle consent = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      for (Bundle.BundleEntryComponent e : all.getEntry()) {
        (e.getResource() instanceof Consent ? consent : clinical).addEntry(e);
      }
      Bundle response = transaction(clinical);
      long consentsWritten = 0;
      if (consents != null && consent.hasEntry()) {
        Map<String, String> created = new HashMap<>();
        for (int e = 0; e < clinical.getEntry().size(); e++) {
          created.put(clinical.getEntry().get(e).getFullUrl(),
              new IdType(response.getEntry().get(e).getResponse().getLocation()).toUnqualifiedVersionless().getValue());
        }
        for (Bundle.BundleEntryComponent e : consent.getEntry()) {
          Reference patient = ((Consent) e.getResource()).getPatient();
          patient.setReference(created.get(patient.getReference()));
        }
        consentsWritten = consents.post(consent);
      }
      synchronized (written) {
        written[0] += response.getEntry().size() + consentsWritten;
        written[1] += consentsWritten;
        written[2] += consents == null ? consent.getEntry().size() : 0;
      }
    });
    return new Loaded(written[0], written[1], written[2]);
  }

  /**
   * Posts transactions {@code 0 … bundles-1}, made by {@code bundle}, with {@code inFlight} requests
   * at once (a hospital commits independent transactions in parallel); returns the entries written.
   * The first failure stops the load and is thrown.
   */
  public long postConcurrently(int bundles, int inFlight, IntFunction<Bundle> bundle) {
    long[] entries = new long[1];
    inParallel(bundles, inFlight, i -> {
      int n = post(bundle.apply(i));
      synchronized (entries) {
        entries[0] += n;
      }
    });
    return entries[0];
  }

  /** Runs {@code task} for {@code 0 … tasks-1}, {@code inFlight} at once; the first failure is thrown. */
  private static void inParallel(int tasks, int inFlight, IntConsumer task) {
    if (inFlight < 1) {
      throw new IllegalArgumentException("in flight " + inFlight + ": need at least 1");
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(inFlight, Math.max(1, tasks)), r -> {
      Thread t = new Thread(r, "fedfhir-load");
      t.setDaemon(true);
      return t;
    });
    try {
      ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
      for (int i = 0; i < tasks; i++) {
        int index = i;
        done.submit(() -> task.accept(index), null);
      }
      for (int i = 0; i < tasks; i++) {
        done.take().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("load interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
