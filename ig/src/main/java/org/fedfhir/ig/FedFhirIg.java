package org.fedfhir.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FedFHIR implementation guide, loaded from the classpath (SUSHI's output of {@code ig/input/fsh},
 * packaged by the {@code fedfhir-ig} module), with a HAPI FHIR validator that holds resources to it.
 *
 * <p>The validation chain is {@link DefaultProfileValidationSupport} (FHIR R4 core) + the guide's
 * StructureDefinitions (snapshots generated at load), CodeSystems and ValueSets +
 * {@link InMemoryTerminologyServerValidationSupport} + {@link CommonCodeSystemsTerminologyService}
 * (UCUM, MIME types, languages, …); code systems that no one here can expand (LOINC, SNOMED CT) are
 * reported as warnings, not errors. The guide's rules are its profiles' cardinalities, bindings and
 * FHIRPath invariants; this class adds none of its own.
 *
 * <p>Loading takes a few seconds (snapshots and the validator's caches): create one instance per
 * server and share it, or take the JVM's ({@link #loadCached()}); it is thread-safe once constructed.
 *
 * <pre>{@code
 * FedFhirIg ig = FedFhirIg.load();
 * OperationOutcome outcome = ig.validateStudy(planDefinition);
 * if (FedFhirIg.hasErrors(outcome)) { throw new UnprocessableEntityException(ctx, outcome); }
 * }</pre>
 */
public final class FedFhirIg {

  /** Canonical base of everything the guide defines. */
  public static final String CANONICAL = "http://fedfhir.org/fhir";
  /** The guide's version (sushi-config.yaml). */
  public static final String VERSION = "0.1.0";

  public static final String FEDERATED_STUDY = CANONICAL + "/StructureDefinition/FederatedStudy";
  public static final String STUDY_APPROVAL = CANONICAL + "/StructureDefinition/StudyApproval";
  public static final String TRAINING_TASK = CANONICAL + "/StructureDefinition/TrainingTask";
  public static final String FEDERATED_RISK_ASSESSMENT = CANONICAL + "/StructureDefinition/FederatedRiskAssessment";
  public static final String FEDERATED_MODEL_PROVENANCE = CANONICAL + "/StructureDefinition/FederatedModelProvenance";
  public static final String FEDFHIR_AUDIT_EVENT = CANONICAL + "/StructureDefinition/FedFhirAuditEvent";
  /** A study of kind {@code statistics} (a {@link #FEDERATED_STUDY} with at least one {@code statistic}). */
  public static final String FEDERATED_STATISTICS_STUDY = CANONICAL + "/StructureDefinition/FederatedStatisticsStudy";
  /** The counts of a {@code $secure-stats} release (MeasureReport). */
  public static final String FEDERATED_STATISTICS_REPORT = CANONICAL + "/StructureDefinition/FederatedStatisticsReport";
  /** The return of the aggregator's {@code $secure-stats} (Parameters). */
  public static final String FEDERATED_STATISTICS_RESULT = CANONICAL + "/StructureDefinition/FederatedStatisticsResult";
  /**
   * The hospital server's {@code $secure-stats} (a site joins a statistics study). Same code as the
   * aggregator's ({@code operationUrl("secure-stats")}), hence its own canonical URL.
   */
  public static final String SITE_SECURE_STATS = CANONICAL + "/OperationDefinition/secure-stats-site";

  /** Canonical URL of the guide's OperationDefinition for an operation code ({@code train}, {@code infer}, …). */
  public static String operationUrl(String code) {
    return CANONICAL + "/OperationDefinition/" + code;
  }

  private static final String BASE = "org/fedfhir/ig/generated/";
  private static final Pattern OUTPUT_FILE = Pattern.compile("\"outputFile\"\\s*:\\s*\"([^\"]+)\"");

  private final FhirContext context;
  private final List<Resource> resources;
  private final ValidationSupportChain validationSupport;
  private final FhirValidator validator;

  private FedFhirIg(FhirContext context) {
    if (context.getVersion().getVersion() != FhirVersionEnum.R4) {
      throw new IllegalArgumentException("FedFHIR's guide is FHIR R4; got a " + context.getVersion().getVersion() + " context");
    }
    this.context = context;
    this.resources = Collections.unmodifiableList(readResources(context));

    PrePopulatedValidationSupport guide = new PrePopulatedValidationSupport(context);
    for (Resource resource : resources) {
      if (resource instanceof StructureDefinition || resource instanceof CodeSystem || resource instanceof ValueSet) {
        guide.addResource(resource);
      }
    }
    DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(context);
    SnapshotGeneratingValidationSupport snapshots = new SnapshotGeneratingValidationSupport(context);
    generateSnapshots(guide, new ValidationSupportChain(guide, core, snapshots,
        new InMemoryTerminologyServerValidationSupport(context), new CommonCodeSystemsTerminologyService(context)));

    UnknownCodeSystemWarningValidationSupport unknownCodeSystems = new UnknownCodeSystemWarningValidationSupport(context);
    unknownCodeSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    this.validationSupport = new ValidationSupportChain(
        guide,
        core,
        snapshots,
        new InMemoryTerminologyServerValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context),
        unknownCodeSystems);

    FhirInstanceValidator module = new FhirInstanceValidator(validationSupport);
    module.setErrorForUnknownProfiles(true);
    this.validator = context.newValidator();
    this.validator.registerValidatorModule(module);
  }

  /** Loads the guide with a (cached) R4 context. */
  public static FedFhirIg load() {
    return load(FhirContext.forR4Cached());
  }

  /** Loads the guide into the given R4 context (use the server's own context). */
  public static FedFhirIg load(FhirContext context) {
    return new FedFhirIg(Objects.requireNonNull(context, "context"));
  }

  private static final Object CACHED_LOCK = new Object();
  private static CompletableFuture<FedFhirIg> cached;

  /**
   * The guide of this JVM, as {@link FhirContext#forR4Cached()} is its R4 context: loaded once, on a
   * background thread, by the first caller; every later caller gets the same future. Servers that share
   * a JVM (the demo runs four hospitals and the aggregator in one) pay the load once: it is the costliest
   * part of their start (the guide's snapshots take several CPU-seconds each time). A load that failed is
   * tried again by the next caller.
   *
   * <p>Sharing is safe: the guide is immutable and thread-safe once constructed, holds only the guide's
   * and FHIR R4's definitions, and keeps nothing of what it validates.
   */
  public static CompletableFuture<FedFhirIg> loadCached() {
    synchronized (CACHED_LOCK) {
      if (cached == null || cached.isCompletedExceptionally()) {
        CompletableFuture<FedFhirIg> f = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
          try {
            f.complete(load());
          } catch (RuntimeException | Error e) {
            f.completeExceptionally(e);
          }
        }, "fedfhir-ig-loader");
        loader.setDaemon(true);
        loader.start();
        cached = f;
      }
      return cached;
    }
  }

  public FhirContext fhirContext() {
    return context;
  }

  /** The validation support chain (core + guide + terminology); a server can add it to its own chain. */
  public IValidationSupport validationSupport() {
    return validationSupport;
  }

  /** A validator holding resources to the profiles they claim in {@code meta.profile} (and to FHIR R4). */
  public FhirValidator validator() {
    return validator;
  }

  /** Validates against the profiles in {@code meta.profile} plus the given ones. */
  public ValidationResult validateWithResult(IBaseResource resource, String... profiles) {
    ValidationOptions options = new ValidationOptions();
    for (String profile : profiles) {
      options.addProfile(profile);
    }
    return validator.validateWithResult(resource, options);
  }

  /** Validates a study against {@link #FEDERATED_STUDY}, whatever its {@code meta.profile} says. */
  public OperationOutcome validateStudy(PlanDefinition study) {
    return (OperationOutcome) validateWithResult(study, FEDERATED_STUDY).toOperationOutcome();
  }

  /** Validates a resource against one of the guide's profiles, whatever its {@code meta.profile} says. */
  public OperationOutcome validate(Resource resource, String profile) {
    return (OperationOutcome) validateWithResult(resource, profile).toOperationOutcome();
  }

  /** True if the outcome has an issue of severity error or fatal. */
  public static boolean hasErrors(OperationOutcome outcome) {
    return outcome.getIssue().stream().anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL);
  }

  /** Every resource of the guide: definitions and examples. */
  public List<Resource> resources() {
    return resources;
  }

  /** The guide's StructureDefinitions (profiles and extensions), with snapshots. */
  public List<StructureDefinition> structureDefinitions() {
    return ofType(StructureDefinition.class).stream()
        .map(sd -> (StructureDefinition) validationSupport.fetchStructureDefinition(sd.getUrl()))
        .toList();
  }

  /** A StructureDefinition of the guide (or FHIR core) by canonical URL, with its snapshot. */
  public Optional<StructureDefinition> structureDefinition(String url) {
    return Optional.ofNullable((StructureDefinition) validationSupport.fetchStructureDefinition(url));
  }

  public List<CodeSystem> codeSystems() {
    return ofType(CodeSystem.class);
  }

  public List<ValueSet> valueSets() {
    return ofType(ValueSet.class);
  }

  /**
   * The FedFHIR OperationDefinitions: the six of docs/study-format.md at {@code operationUrl(code)}
   * and the hospital server's {@code $secure-stats} at {@link #SITE_SECURE_STATS}.
   */
  public List<OperationDefinition> operationDefinitions() {
    return ofType(OperationDefinition.class);
  }

  /**
   * The OperationDefinition with the given code ({@code train}, {@code infer}, {@code secure-stats}, …) at
   * {@code operationUrl(code)}: for {@code secure-stats} the aggregator's (the site's is
   * {@link #operationDefinitionByUrl operationDefinitionByUrl(SITE_SECURE_STATS)}).
   */
  public Optional<OperationDefinition> operationDefinition(String code) {
    List<OperationDefinition> withCode = operationDefinitions().stream().filter(od -> code.equals(od.getCode())).toList();
    return withCode.stream().filter(od -> operationUrl(code).equals(od.getUrl())).findFirst()
        .or(() -> withCode.stream().findFirst());
  }

  /** The OperationDefinition with the given canonical URL. */
  public Optional<OperationDefinition> operationDefinitionByUrl(String url) {
    return operationDefinitions().stream().filter(od -> url.equals(od.getUrl())).findFirst();
  }

  public List<CapabilityStatement> capabilityStatements() {
    return ofType(CapabilityStatement.class);
  }

  /** The CapabilityStatement a FedFHIR hospital server meets (kind requirements). */
  public CapabilityStatement hospitalServerCapabilityStatement() {
    return capabilityStatements().stream()
        .filter(cs -> "fedfhir-hospital-server".equals(cs.getIdElement().getIdPart()))
        .findFirst().orElseThrow();
  }

  /** The guide's examples (every resource that is not a definition), each claiming its profile in meta.profile. */
  public List<Resource> examples() {
    return resources.stream().filter(r -> !isDefinition(r)).toList();
  }

  /** A copy of the resource, so that callers cannot change the guide's own. */
  public <T extends Resource> T copy(T resource) {
    @SuppressWarnings("unchecked")
    T copy = (T) resource.copy();
    return copy;
  }

  private <T extends Resource> List<T> ofType(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static boolean isDefinition(Resource resource) {
    return resource instanceof StructureDefinition || resource instanceof CodeSystem || resource instanceof ValueSet
        || resource instanceof OperationDefinition || resource instanceof CapabilityStatement;
  }

  private static void generateSnapshots(PrePopulatedValidationSupport guide, ValidationSupportChain chain) {
    ValidationSupportContext supportContext = new ValidationSupportContext(chain);
    SnapshotGeneratingValidationSupport generator = new SnapshotGeneratingValidationSupport(chain.getFhirContext());
    // extensions first: the profiles' snapshots refer to them
    List<StructureDefinition> definitions = new ArrayList<>();
    for (IBaseResource resource : guide.fetchAllStructureDefinitions()) {
      definitions.add((StructureDefinition) resource);
    }
    definitions.sort((a, b) -> Boolean.compare(!"Extension".equals(a.getType()), !"Extension".equals(b.getType())));
    for (StructureDefinition sd : definitions) {
      if (!sd.hasSnapshot()) {
        IBaseResource withSnapshot = generator.generateSnapshot(supportContext, sd, sd.getUrl(), null, sd.getName());
        if (withSnapshot == null) {
          throw new IllegalStateException("FedFHIR guide: cannot generate the snapshot of " + sd.getUrl());
        }
        guide.addResource(withSnapshot);
      }
    }
  }

  private static List<Resource> readResources(FhirContext context) {
    IParser parser = context.newJsonParser();
    List<Resource> list = new ArrayList<>();
    Matcher files = OUTPUT_FILE.matcher(readClasspath(BASE + "data/fsh-index.json"));
    while (files.find()) {
      list.add((Resource) parser.parseResource(readClasspath(BASE + "resources/" + files.group(1))));
    }
    if (list.isEmpty()) {
      throw new IllegalStateException("FedFHIR guide: no resources listed in " + BASE + "data/fsh-index.json");
    }
    return list;
  }

  private static String readClasspath(String path) {
    try (InputStream in = FedFhirIg.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("FedFHIR guide: " + path + " is not on the classpath (is fedfhir-ig built?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("FedFHIR guide: cannot read " + path, e);
    }
  }
}
