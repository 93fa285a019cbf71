package org.fedfhir.fhir.inference;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.Code;
import org.fedfhir.tee.model.LinearModel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;

/** A site on plain objects for {@code $infer} tests: the reference study, one UCI centre, stored results. */
public final class InferenceFixtures {
  public static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  public static final String STUDY_URL = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr";
  public static final String STUDY = STUDY_URL + "|1";
  public static final String DIGEST = "ab".repeat(32);
  public static final String MEASUREMENT = "cd".repeat(48);

  private InferenceFixtures() {}

  public static PlanDefinition study() {
    PlanDefinition pd = Fixtures.study("heart-disease-lr");
    pd.setId("heart-disease-lr");
    return pd;
  }

  /** The reference study with cholesterol ({@code chol}, input 4) required: a patient without it is refused. */
  public static PlanDefinition studyRequiringCholesterol() {
    PlanDefinition required = study();
    required.getAction().get(0).getInput().get(4)
        .getExtensionByUrl("http://fedfhir.org/fhir/StructureDefinition/feature")
        .addExtension(new org.hl7.fhir.r4.model.Extension("required", new org.hl7.fhir.r4.model.BooleanType(true)));
    return required;
  }

  public static InMemoryClinicalData centre(HeartDiseaseCentre centre) {
    return Fixtures.centre(centre, LocalDate.ofInstant(NOW, ZoneOffset.UTC));
  }

  /** A logistic model on the reference study's ten features (plausible means and SDs, fixed weights). */
  public static LinearModel model() {
    return new LinearModel(STUDY, "22",
        List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak"),
        new double[] {53.5, 0.79, 3.25, 132.1, 220.0, 0.17, 0.6, 137.5, 0.39, 0.88},
        new double[] {9.4, 0.41, 0.93, 18.4, 93.0, 0.37, 0.8, 25.9, 0.49, 1.09},
        new double[] {0.31, 0.52, 0.68, 0.12, 0.05, 0.09, 0.11, -0.42, 0.47, 0.55}, -0.21);
  }

  /** The model computed in the clear, as the TEE would (simulated evidence); counts predictions and attestations. */
  public static class ClearModel implements ModelService {
    public final AtomicInteger predictions = new AtomicInteger();
    public final AtomicInteger attestations = new AtomicInteger();
    private final LinearModel model = model();

    @Override
    public String baseUrl() {
      return "http://tee.example/fhir";
    }

    @Override
    public void attest() throws InferenceRefusal {
      attestations.incrementAndGet();
    }

    @Override
    public Prediction predict(String study, String digest, List<String> names, double[] values) {
      predictions.incrementAndGet();
      return new Prediction(model.predict(values), "simulated", MEASUREMENT);
    }
  }

  /** A site's $infer on these plain objects, the model in the clear. */
  public static InferenceService service(Site site, ModelService tee) {
    return new InferenceService(site, new org.fedfhir.study.StudyReader(), site,
        new org.fedfhir.fhir.cohort.FeatureExtractor(new org.fedfhir.fhir.cohort.UcumConverter()),
        ModelDirectory.of(Map.of(STUDY, new org.fedfhir.tee.client.ServedModel(STUDY, DIGEST, 4, 22, MEASUREMENT))),
        tee, "cleveland", CLOCK);
  }

  /** One approved study, a centre's data seen one patient at a time, and what the service stored. */
  public static class Site implements StudyCatalog, SiteRecords {
    final PlanDefinition study = study();
    final ClinicalDataSource data;
    public boolean approved = true;
    public final List<AuditEvent> audits = new ArrayList<>();
    final Map<String, Resource> stored = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    public Site(ClinicalDataSource data) {
      this.data = data;
    }

    @Override
    public List<PlanDefinition> find(String url, String version) {
      return url.equals(study.getUrl()) && (version == null || version.equals(study.getVersion()))
          ? List.of(study) : List.of();
    }

    /** The steward approved the study as {@link #find} serves it (a subclass may serve a variant). */
    @Override
    public org.fedfhir.fhir.cohort.ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
      return approved && planDefinitionId.equals("heart-disease-lr")
          ? org.fedfhir.fhir.cohort.ApprovalGate.ApprovedDigests.of(org.fedfhir.fhir.federation.StudyDigest.sha256Hex(
              ca.uhn.fhir.context.FhirContext.forR4Cached(), find(study.getUrl(), null).get(0)))
          : org.fedfhir.fhir.cohort.ApprovalGate.ApprovedDigests.none();
    }

    @Override
    public ClinicalDataSource forPatient(String patientId) {
      return onePatient(data, patientId);
    }

    @Override
    public String create(Resource resource) {
      String id = Integer.toString(ids.incrementAndGet());
      stored.put(resource.fhirType() + "/" + id, resource);
      return id;
    }

    @Override
    public void audit(AuditEvent event) {
      audits.add(event);
    }

    /** Groups of patients by id, for batch {@code $infer}. */
    public final Map<String, List<String>> groups = new HashMap<>();

    @Override
    public java.util.Optional<List<String>> groupMembers(String groupId) {
      return java.util.Optional.ofNullable(groups.get(groupId));
    }
  }

  /** Only this patient's resources, as the DAO-backed source reads them. */
  public static ClinicalDataSource onePatient(ClinicalDataSource all, String patientId) {
    String ref = "Patient/" + patientId;
    return new ClinicalDataSource() {
      @Override
      public List<Patient> patients() {
        return all.patients().stream().filter(p -> p.getIdElement().getIdPart().equals(patientId)).toList();
      }

      @Override
      public List<Consent> consents() {
        return all.consents().stream().filter(c -> ref.equals(c.getPatient().getReference())).toList();
      }

      @Override
      public void observations(Code code, Consumer<Observation> sink) {
        all.observations(code, o -> {
          if (ref.equals(o.getSubject().getReference())) {
            sink.accept(o);
          }
        });
      }

      @Override
      public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
        all.conditions(codes, c -> {
          if (ref.equals(c.getSubject().getReference())) {
            sink.accept(c);
          }
        });
      }

      @Override
      public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {
        all.records(o -> {
          if (ref.equals(o.getSubject().getReference())) {
            observations.accept(o);
          }
        }, c -> {
          if (ref.equals(c.getSubject().getReference())) {
            conditions.accept(c);
          }
        });
      }
    };
  }
}
