package org.fedfhir.fhir.cds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedfhir.access.Caller;
import org.fedfhir.fhir.audit.Requester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDS Hooks HTTP edge at {@value #PATH}: {@code GET} the discovery document (public, as CDS Hooks
 * says), {@code POST /fedfhir-risk} a {@code patient-view} call — its EHR's JWT verified first (401
 * and no card otherwise), then the card of the patient in {@code context.patientId}. A prefetched
 * Patient must be that patient; without one the service reads the patient from the hospital's own
 * record, as it always scores from it.
 */
public final class CdsHooksServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CdsHooksServlet.class);
  public static final String PATH = "/cds-services";
  static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private final transient RiskCards cards;
  private final transient EhrJwtVerifier verifier;
  private final transient CdsSettings settings;

  public CdsHooksServlet(RiskCards cards, EhrJwtVerifier verifier, CdsSettings settings) {
    this.cards = cards;
    this.verifier = verifier;
    this.settings = settings;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getPathInfo();
    if (path != null && !"/".equals(path)) {
      error(response, 404, "no such resource: GET " + PATH + " is the discovery document");
      return;
    }
    write(response, 200, cards.discovery());
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String id = request.getPathInfo() == null ? "" : request.getPathInfo().replaceFirst("^/", "");
    if (!RiskCards.SERVICE_ID.equals(id)) {
      refuseUnread(response, 404, "no CDS service '" + id + "' here (discovery: GET " + PATH + ")");
      return;
    }
    JWTClaimsSet claims;
    try {
      claims = verifier.verify(request.getHeader("Authorization"), settings.serviceUrl(id));
    } catch (EhrTokenRefused e) {
      LOG.info("CDS Hooks call refused: {}", e.reason());
      response.setHeader("WWW-Authenticate", "Bearer realm=\"FedFHIR CDS Hooks\"");
      refuseUnread(response, 401, e.getMessage());
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.getInputStream());
    } catch (IOException e) {
      error(response, 400, "the request is not JSON");
      return;
    }
    if (body == null || !RiskCards.HOOK.equals(body.path("hook").asText())) {
      error(response, 400, "this service answers the hook " + RiskCards.HOOK);
      return;
    }
    String patientId = body.path("context").path("patientId").asText("");
    if (patientId.isBlank()) {
      error(response, 400, "context.patientId is required");
      return;
    }
    JsonNode prefetched = body.path("prefetch").path("patient");
    if (!prefetched.isMissingNode() && !prefetched.isNull()
        && !("Patient".equals(prefetched.path("resourceType").asText())
            && patientId.equals(prefetched.path("id").asText()))) {
      error(response, 400, "prefetch.patient is not Patient/" + patientId);
      return;
    }
    write(response, 200, cards.patientView(patientId, requester(claims, request)));
  }

  /** The EHR as the audited requester: its issuer as the client, the JWT's {@code sub} if any. */
  private static Requester requester(JWTClaimsSet claims, HttpServletRequest request) {
    String subject = claims.getSubject() == null ? claims.getIssuer() : claims.getSubject();
    return new Requester(Optional.of(new Caller(Caller.Kind.BACKEND, subject, claims.getIssuer(), Set.of(), Set.of(),
        Optional.empty())), Optional.ofNullable(request.getRemoteAddr()));
  }

  private static void write(HttpServletResponse response, int status, Object json) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    JSON.writeValue(response.getOutputStream(), json);
  }

  /**
   * Refuses a call whose body was never read. The connection is closed after the answer and says so
   * ({@code Connection: close}), so an EHR that pools connections opens a new one for its next call
   * instead of sending it down a connection the server drops for the unread body.
   */
  private static void refuseUnread(HttpServletResponse response, int status, String message) throws IOException {
    response.setHeader("Connection", "close");
    error(response, status, message);
  }

  private static void error(HttpServletResponse response, int status, String message) throws IOException {
    write(response, status, Map.of("error", message));
  }
}
