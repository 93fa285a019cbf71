package org.fedfhir.fhir.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseLinkJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServicesJson;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.inference.InferenceRefusal;
import org.fedfhir.fhir.inference.InferenceResult;
import org.fedfhir.fhir.inference.InferenceService;
import org.fedfhir.fhir.inference.RiskBands;
import org.fedfhir.study.StudyDefinition;

/**
 * The {@code fedfhir-risk} {@code patient-view} service: its discovery entry, and its card for a
 * patient — the risk computed by {@link InferenceService} exactly as {@code $infer} computes it
 * (nothing stored), an indicator by the study's bands (or else the site's), the study and the TEE's evidence, and a SMART
 * link to the risk app. A patient the study cannot score gets an info card saying why.
 */
public final class RiskCards {
  public static final String SERVICE_ID = "fedfhir-risk";
  public static final String HOOK = "patient-view";
  /** The prefetch template: the Patient in context. */
  public static final String PREFETCH_PATIENT = "Patient/{{context.patientId}}";

  private final InferenceService inference;
  private final CdsSettings settings;

  public RiskCards(InferenceService inference, CdsSettings settings) {
    this.inference = inference;
    this.settings = settings;
  }

  /** {@code GET /cds-services}. */
  public CdsServicesJson discovery() {
    CdsServiceJson service = new CdsServiceJson().setId(SERVICE_ID).setHook(HOOK)
        .setTitle("FedFHIR risk").setDescription("The patient's risk from a federated study's model, computed in"
            + " the hospital's attested TEE, with a link to the risk app");
    service.addPrefetch("patient", PREFETCH_PATIENT);
    return new CdsServicesJson().addService(service);
  }

  /** The card for {@code patientId} (one card: the risk, or why there is none). */
  public CdsServiceResponseJson patientView(String patientId, Requester requester) {
    CdsServiceResponseJson response = new CdsServiceResponseJson();
    if (settings.study() == null || settings.study().isBlank()) {
      response.addCard(card("FedFHIR risk: no study is configured for this service", CdsServiceIndicatorEnum.INFO,
          "The site names the study whose risk this card shows in fedfhir.cds.study.", "FedFHIR"));
      return response;
    }
    try {
      InferenceResult result = inference.infer(new InferenceService.Request(patientId, settings.study(), false,
          requester));
      response.addCard(riskCard(result));
    } catch (InferenceRefusal e) {
      response.addCard(card(settings.study() + ": no risk for this patient", CdsServiceIndicatorEnum.INFO,
          e.getMessage() + e.issues().stream().filter(i -> !i.diagnostics().equals(e.getMessage()))
              .map(i -> "\n- " + i.diagnostics()).collect(Collectors.joining()), settings.study()));
    }
    return response;
  }

  /** The indicator of a risk by the site's bands. */
  public CdsServiceIndicatorEnum indicator(double risk) {
    return indicator(risk, siteBands());
  }

  /** The indicator of a risk by {@code bands}: low info, moderate warning, high critical. */
  static CdsServiceIndicatorEnum indicator(double risk, RiskBands bands) {
    return switch (bands.band(risk)) {
      case "high" -> CdsServiceIndicatorEnum.CRITICAL;
      case "moderate" -> CdsServiceIndicatorEnum.WARNING;
      default -> CdsServiceIndicatorEnum.INFO;
    };
  }

  private RiskBands siteBands() {
    return new RiskBands(settings.warningFrom(), settings.criticalFrom());
  }

  /** A risk as the card shows it: whole percent. */
  public static String percent(double risk) {
    return Math.round(risk * 100) + " %";
  }

  private CdsServiceResponseCardJson riskCard(InferenceResult result) {
    StudyDefinition study = result.study();
    String title = study.title() == null ? study.url() : study.title();
    String evidence = "simulated".equals(result.evidenceFormat()) ? "simulated" : "hardware";
    StringBuilder detail = new StringBuilder()
        .append("**Study:** ").append(title).append(", version ").append(study.version()).append("\n\n")
        .append("**How:** ").append(result.riskAssessment().getPredictionFirstRep().getRationale()).append("\n\n")
        .append("**TEE evidence:** ").append(evidence).append(" (").append(result.evidenceFormat()).append(")");
    RiskBands bands = result.bands(siteBands());
    detail.append("\n\n**Bands:** low below ").append(percent(bands.lowBelow())).append(", high from ")
        .append(percent(bands.highFrom())).append(result.studyBands() == null ? " (this hospital's)" : " (the study's)");
    result.riskAssessment().getNote().forEach(n -> detail.append("\n\n").append(n.getText()));
    CdsServiceResponseCardJson card = card(title + ": risk " + percent(result.probability()),
        indicator(result.probability(), bands), detail.toString(), title + " v" + study.version());
    card.setLinks(List.of(new CdsServiceResponseLinkJson().setLabel("Open the FedFHIR risk app")
        .setUrl(settings.appLaunchUrl()).setType("smart").setAppContext(study.url() + "|" + study.version())));
    return card;
  }

  private static CdsServiceResponseCardJson card(String summary, CdsServiceIndicatorEnum indicator, String detail,
      String source) {
    return new CdsServiceResponseCardJson().setUuid(UUID.randomUUID().toString())
        .setSummary(summary.length() > 140 ? summary.substring(0, 139) + "…" : summary)
        .setIndicator(indicator).setDetail(detail)
        .setSource(new CdsServiceResponseCardSourceJson().setLabel(source));
  }
}
