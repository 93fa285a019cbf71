package org.fedfhir.aggregator.provisioning;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fedfhir.aggregator.store.ModelProvisioning;
import org.fedfhir.aggregator.store.ModelSpec;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.ServedModelsFile;
import org.fedfhir.tee.client.TeeServiceException;
import org.fedfhir.tee.model.LinearModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions every completed logistic-regression or mlp study's final model into the attested TEE model
 * service, once per (service, global model): builds the servable model from the stored global model
 * and standardisation, has {@link ModelProvisioner} attest the service with a fresh nonce, seal the
 * model to the enclave key and send it, then records which measurement received which model digest
 * ({@link StudyStore#recordProvisioning}) and, if configured, writes the hospitals' models file.
 * {@link #start} checks the store every few seconds, so a study that completed while the TEE was
 * unreachable, or before a restart, is provisioned later. Logs ids, digests and measurements only.
 */
public final class ModelProvisioningService implements AutoCloseable {
  /** The algorithms whose model gives a probability, which the TEE serves. */
  private static final Set<String> PROBABILITY_MODELS = Set.of("logistic-regression", "mlp");
  private static final Logger LOG = LoggerFactory.getLogger(ModelProvisioningService.class);
  static final Duration RETRY = Duration.ofSeconds(30);

  /** The owner asked for a model the study does not share with its owner (or that does not exist). */
  public static final class OwnerDownloadRefused extends Exception {
    private static final long serialVersionUID = 1L;

    OwnerDownloadRefused(String message) {
      super(message);
    }
  }

  private final StudyStore store;
  private final ModelProvisioner provisioner;
  private final String serviceUrl;
  private final Path modelsFile;
  private final Clock clock;
  private final Map<StudyRef, Instant> failedAt = new HashMap<>();
  private ScheduledExecutorService scheduler;

  /**
   * The service for the aggregator's TEE settings; with {@code settings} null a disabled service
   * (nothing is provisioned). Validates the attestation policy now, naming the bad setting.
   */
  public static ModelProvisioningService fromSettings(StudyStore store, ProvisioningSettings settings,
      org.fedfhir.aggregator.pki.TlsFiles tls) {
    if (settings == null) {
      return new ModelProvisioningService(store, null, null, null, Clock.systemUTC());
    }
    // the TEE accepts models only from the aggregator's certificate (mutual TLS)
    ca.uhn.fhir.context.FhirContext ctx = org.fedfhir.tee.client.MutualTlsClients.presenting(
        ca.uhn.fhir.context.FhirContext.forR4(), tls.certificate(), tls.privateKey(), tls.ca());
    ctx.getRestfulClientFactory().setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
    ctx.getRestfulClientFactory().setConnectTimeout(5_000);
    ctx.getRestfulClientFactory().setSocketTimeout(30_000);
    ModelProvisioner provisioner = new ModelProvisioner(ctx.newRestfulGenericClient(settings.url()),
        new org.fedfhir.securecompute.attestation.AttestationVerifier(settings.policy()), Clock.systemUTC());
    return new ModelProvisioningService(store, provisioner, settings.url(), settings.modelsFile(), Clock.systemUTC());
  }

  /** True if a TEE is configured. */
  public boolean enabled() {
    return provisioner != null;
  }

  /** @param modelsFile the hospitals' models file to write, or null */
  public ModelProvisioningService(StudyStore store, ModelProvisioner provisioner, String serviceUrl, Path modelsFile,
      Clock clock) {
    this.store = store;
    this.provisioner = provisioner;
    this.serviceUrl = serviceUrl;
    this.modelsFile = modelsFile;
    this.clock = clock;
  }

  /** Checks for studies to provision every {@code period} on a daemon thread. */
  public synchronized ModelProvisioningService start(Duration period) {
    if (scheduler == null && enabled()) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fedfhir-provisioning");
        t.setDaemon(true);
        return t;
      });
      scheduler.scheduleWithFixedDelay(this::provisionCompletedStudiesQuietly, 0, period.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void provisionCompletedStudiesQuietly() {
    try {
      provisionCompletedStudies();
    } catch (RuntimeException e) {
      LOG.warn("model provisioning pass failed: {}", e.getMessage());
    }
  }

  /** Provisions every completed study that is due; returns what was provisioned now. */
  public synchronized List<ModelProvisioning> provisionCompletedStudies() {
    return store.studies(StudyStatus.COMPLETED).stream()
        .map(plan -> provisionIfDue(plan.ref()))
        .flatMap(Optional::stream).toList();
  }

  /**
   * Provisions the study's final model unless this service already holds it or the study is not a
   * completed study of a probability model (logistic-regression or mlp); a failure is logged and
   * retried after {@link #RETRY}.
   */
  public synchronized Optional<ModelProvisioning> provisionIfDue(StudyRef ref) {
    if (!enabled()) {
      return Optional.empty();
    }
    Optional<StudyPlan> plan = store.study(ref);
    Optional<ModelSpec> spec = store.modelSpec(ref);
    Optional<StoredModel> latest = store.latestModel(ref);
    if (plan.isEmpty() || plan.get().isStatistics() || spec.isEmpty() || latest.isEmpty()
        || store.status(ref).orElse(StudyStatus.ACTIVE) != StudyStatus.COMPLETED
        || !PROBABILITY_MODELS.contains(spec.get().algorithm())) {
      return Optional.empty();
    }
    String global = latest.get().digest();
    if (store.provisionings(ref).stream().anyMatch(p -> p.serviceUrl().equals(serviceUrl)
        && global.equals(p.globalModelDigest()))) {
      return Optional.empty();
    }
    Instant failed = failedAt.get(ref);
    if (failed != null && clock.instant().isBefore(failed.plus(RETRY))) {
      return Optional.empty();
    }
    try {
      LinearModel model = servable(plan.get(), spec.get(), latest.get());
      ProvisioningRecord record = provisioner.provision(model, spec.get().predictionPrecision());
      ModelProvisioning p = new ModelProvisioning(ref, latest.get().round(), global, record.modelDigest(),
          record.serviceBaseUrl(), record.evidenceFormat().code(), record.measurement().hex(), record.attestedAt(),
          record.provisionedAt());
      store.recordProvisioning(p);
      failedAt.remove(ref);
      if (modelsFile != null) {
        ServedModelsFile.put(modelsFile, new ServedModel(ServableModels.studyKey(ref), p.modelDigest(),
            siteCount(ref), p.round(), p.measurement()));
      }
      LOG.info("study {}: model of round {} provisioned to the TEE at {} (measurement {}…, model digest {})", ref,
          p.round(), p.serviceUrl(), p.measurement().substring(0, 16), p.modelDigest());
      return Optional.of(p);
    } catch (AttestationException e) {
      failedAt.put(ref, clock.instant());
      LOG.warn("study {}: the TEE at {} failed attestation ({}: {}); the model was not sent", ref, serviceUrl,
          e.getClass().getSimpleName(), e.getMessage());
    } catch (TeeServiceException e) {
      failedAt.put(ref, clock.instant());
      LOG.warn("study {}: the TEE at {} refused or could not be reached ({}): {}", ref, serviceUrl, e.code(),
          e.getMessage());
    } catch (IllegalArgumentException e) {
      failedAt.put(ref, clock.instant());
      LOG.warn("study {}: no servable model: {}", ref, e.getMessage());
    }
    return Optional.empty();
  }

  /** Waits until the study's model is provisioned to this service (for the demo and tests). */
  public Optional<ModelProvisioning> awaitProvisioned(StudyRef ref, Duration timeout) throws InterruptedException {
    if (!enabled()) {
      return Optional.empty();
    }
    Instant end = Instant.now().plus(timeout);
    while (true) {
      Optional<ModelProvisioning> p = store.provisionings(ref).stream()
          .filter(x -> x.serviceUrl().equals(serviceUrl)).reduce((a, b) -> b);
      if (p.isPresent() || Instant.now().isAfter(end)) {
        return p;
      }
      provisionIfDue(ref);
      Thread.sleep(200);
    }
  }

  /**
   * The plaintext model for the study's owner, only if the study sets {@code share-model-with-owner};
   * hospitals never get weights from here. (No network endpoint serves it yet: owner authentication
   * is not built.)
   */
  public LinearModel modelForOwner(StudyRef ref) throws OwnerDownloadRefused {
    ModelSpec spec = store.modelSpec(ref).orElseThrow(() -> new OwnerDownloadRefused("study " + ref
        + " has no model spec"));
    if (!spec.shareWithOwner()) {
      throw new OwnerDownloadRefused("study " + ref + " does not share its model with its owner"
          + " (study parameter share-model-with-owner is false): it is served only inside the TEE");
    }
    StudyPlan plan = store.study(ref).orElseThrow();
    StoredModel latest = store.latestModel(ref).orElseThrow(() -> new OwnerDownloadRefused("study " + ref
        + " has no model yet"));
    if (store.status(ref).orElse(StudyStatus.ACTIVE) != StudyStatus.COMPLETED) {
      throw new OwnerDownloadRefused("study " + ref + " has not completed");
    }
    return servable(plan, spec, latest);
  }

  private LinearModel servable(StudyPlan plan, ModelSpec spec, StoredModel latest) {
    int f = spec.featureNames().size();
    Standardisation s = ServableModels.standardisation(store.metrics(plan.ref(), 1), f);
    return ServableModels.of(plan.ref(), Integer.toString(latest.round()), plan.strategy(), spec, latest.model(),
        s.means(), s.sds(), plan.network().orElse(null));
  }

  /** Distinct sites that contributed to at least one completed round (never which patients). */
  int siteCount(StudyRef ref) {
    Set<String> sites = new LinkedHashSet<>();
    for (RoundRecord r : store.rounds(ref)) {
      if (r.state() == RoundState.COMPLETED) {
        r.participants().stream().filter(s -> !r.dropouts().contains(s)).forEach(sites::add);
      }
    }
    return Math.max(1, sites.size());
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
