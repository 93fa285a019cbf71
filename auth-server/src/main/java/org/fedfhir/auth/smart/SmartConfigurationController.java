package org.fedfhir.auth.smart;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves {@code GET /.well-known/smart-configuration} (JSON whatever the Accept header). */
@RestController
public final class SmartConfigurationController {
  private final SmartConfiguration configuration;

  public SmartConfigurationController(SmartConfiguration configuration) {
    this.configuration = configuration;
  }

  @GetMapping(path = "/.well-known/smart-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> smartConfiguration() {
    return configuration.document();
  }
}
