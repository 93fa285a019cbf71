package org.fedfhir.auth.smart;

import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /launch} (form {@code patient=ID}, optional {@code encounter=ID}): an EHR opens a
 * launch context and gets {@code {"launch": "<opaque>"}} to hand to the app it launches. Callers
 * authenticate with HTTP Basic as a confidential client registered with {@code launchIssuer: true}
 * (the security configuration enforces it): an EHR is a server with a client secret, and Basic
 * keeps the call one request without first obtaining a token.
 */
@RestController
public final class LaunchController {
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private final LaunchContexts launches;

  public LaunchController(LaunchContexts launches) {
    this.launches = launches;
  }

  @PostMapping(path = "/launch", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, String>> launch(@RequestParam(name = "patient", required = false) String patient,
      @RequestParam(name = "encounter", required = false) String encounter) {
    if (patient == null || !FHIR_ID.matcher(patient).matches()
        || (encounter != null && !FHIR_ID.matcher(encounter).matches())) {
      return ResponseEntity.badRequest().body(Map.of("error", "invalid_request",
          "error_description", "patient (and encounter, if given) must be FHIR ids"));
    }
    return ResponseEntity.ok(Map.of("launch", launches.create(patient, encounter)));
  }
}
