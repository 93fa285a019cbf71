package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.context.FhirContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.SitePkiFiles;
import org.fedfhir.fhir.inference.TeeSiteSettings;
import org.fedfhir.fhir.site.CleanRoomSiteService;
import org.fedfhir.fhir.site.StudyAdmission;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.client.TeeClient;
import org.springframework.core.env.Environment;

/**
 * Wires {@code $clean-room} from the same {@code fedfhir.tee.*} properties as {@code $infer}
 * ({@link TeeSiteSettings}: URL, trusted measurements, evidence keys) and the site's certificate
 * ({@code fedfhir.pki}), plus {@code fedfhir.clean-room.poll} (how often the site asks for a run's
 * receipt, ISO-8601, default PT5S) and {@code fedfhir.clean-room.result-deadline} (how long it keeps
 * asking, default PT24H). Without {@code fedfhir.tee.url} the operation exists and answers 501.
 */
final class CleanRoomSetup {
  private CleanRoomSetup() {}

  static CleanRoomSiteService service(StudyAdmission admission, DaoClinicalDataSource data, DaoSiteStore store,
      UcumConverter ucum, Environment env) {
    String site = env.getProperty("fedfhir.site.name", "hospital");
    TeeSiteSettings tee = InferenceSetup.teeSettings(env);
    TeeClient client = null;
    if (tee != null) {
      SitePkiFiles credentials = InferenceSetup.siteCredentials(env, site);
      client = tee.client(MutualTlsClients.presenting(FhirContext.forR4(), credentials.certificate(),
          credentials.privateKey(), credentials.ca()), Clock.systemUTC(), new SecureRandom());
    }
    return new CleanRoomSiteService(admission, data, store, ucum, site, client,
        tee == null ? null : tee.url(), Clock.systemUTC(),
        Duration.parse(env.getProperty("fedfhir.clean-room.poll", "PT5S")),
        Duration.parse(env.getProperty("fedfhir.clean-room.result-deadline", "PT24H")));
  }
}
