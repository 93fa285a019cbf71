package org.fedfhir.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the hospital's security in its CapabilityStatement ({@code rest.security}): SMART on FHIR
 * as the service, the authorisation server's endpoints in the {@code oauth-uris} extension, and in the
 * description which scope or role each interaction and operation needs (as {@link SmartRules} enforces).
 */
@Interceptor
public final class SmartCapabilities {

  /** The SMART extension carrying the authorize and token endpoints. */
  public static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
  /** What each endpoint requires, as the CapabilityStatement says it. */
  public static final String DESCRIPTION = "OAuth2 bearer access tokens (SMART App Launch 2.2, SMART Backend "
      + "Services). patient/ scopes: the launch patient's compartment only. user/ scopes: within the user's role "
      + "(clinician, data-steward, researcher, integrator). system/ scopes: backend-service clients only. "
      + "$infer: patient/RiskAssessment.c with that patient in context, or user/RiskAssessment.c and the "
      + "clinician role. $infer-batch (a ward list): user/RiskAssessment.c and the clinician role, in a token "
      + "without a launch patient, its Group and members readable by the caller. ResearchStudy (approval) and Consent writes, $train, $secure-stats and $clean-room: the data-steward "
      + "role. $export: an integrator's backend-service client with system/*.rs. The CapabilityStatement and "
      + ".well-known/smart-configuration need no token. Anonymous: 401; a valid token lacking the scope or role: "
      + "403; both with an OperationOutcome.";

  private static final Logger LOG = LoggerFactory.getLogger(SmartCapabilities.class);

  private final SmartConfiguration smart;

  public SmartCapabilities(SmartConfiguration smart) {
    this.smart = smart;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void declare(IBaseConformance conformance) {
    CapabilityStatement cs = (CapabilityStatement) conformance;
    if (cs.getRest().isEmpty()) {
      cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
    }
    CapabilityStatement.CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
    security.setCors(true);
    security.getService().clear();
    security.addService(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
        "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
    security.setDescription(DESCRIPTION);
    try {
      Extension uris = new Extension(OAUTH_URIS);
      uris.addExtension("authorize", new UriType(smart.authorizationEndpoint()));
      uris.addExtension("token", new UriType(smart.tokenEndpoint()));
      security.getExtension().removeIf(e -> OAUTH_URIS.equals(e.getUrl()));
      security.addExtension(uris);
    } catch (java.io.IOException e) {
      LOG.warn("the authorisation server's endpoints are not known yet: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
