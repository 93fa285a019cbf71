package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.Map;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.inference.InferenceService;
import org.fedfhir.fhir.inference.ModelDirectory;
import org.fedfhir.fhir.inference.ModelService;
import org.fedfhir.fhir.inference.TeeSiteSettings;
import org.fedfhir.study.StudyReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Wires {@code $infer} from the {@code fedfhir.tee.*} properties ({@link TeeSiteSettings}); without
 * {@code fedfhir.tee.url} the operation exists and answers 501. A wrong TEE configuration (no trusted
 * measurement, no evidence format) stops the server at start with the setting named.
 */
public final class InferenceSetup {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceSetup.class);

  private InferenceSetup() {}

  public static InferOperationProvider provider(DaoRegistry daos, StudyReader reader, UcumConverter ucum,
      Environment env, CallerReads reads) {
    String site = env.getProperty("fedfhir.site.name", "hospital");
    TeeSiteSettings tee = teeSettings(env);
    ModelService service = null;
    ModelDirectory models = ModelDirectory.of(Map.of());
    if (tee != null) {
      tee.policy(); // validate now, naming the bad setting
      org.fedfhir.fhir.federation.SitePkiFiles credentials = siteCredentials(env, site);
      service = tee.modelService(org.fedfhir.tee.client.MutualTlsClients.presenting(FhirContext.forR4(),
          credentials.certificate(), credentials.privateKey(), credentials.ca()), credentials.certificate(),
          credentials.privateKey(), credentials.ca());
      if (tee.modelsFile() != null) {
        models = ModelDirectory.file(tee.modelsFile());
      }
      LOG.info("$infer uses the TEE model service at {} ({} trusted measurement(s), simulated evidence {}; models: {})",
          tee.url(), tee.measurements().size(),
          tee.allowAnySimulated() ? "from any key" : tee.platformKeys().isEmpty() ? "refused" : "from named keys",
          models.describe());
    }
    DaoInferenceRecords records = new DaoInferenceRecords(daos);
    return new InferOperationProvider(new InferenceService(records, reader, records, new FeatureExtractor(ucum),
        models, service, site, Clock.systemUTC()), reads);
  }

  /** The site's TEE settings ({@code fedfhir.tee.*}), or null without {@code fedfhir.tee.url}. */
  static TeeSiteSettings teeSettings(Environment env) {
    return TeeSiteSettings.fromProperties(env.getProperty("fedfhir.tee.url"),
        env.getProperty("fedfhir.tee.measurements"), env.getProperty("fedfhir.tee.platform-keys"),
        env.getProperty("fedfhir.tee.allow-simulated", Boolean.class, false), env.getProperty("fedfhir.tee.nitro-root"),
        env.getProperty("fedfhir.tee.max-age"), env.getProperty("fedfhir.tee.models"));
  }

  /** The site's network credentials ({@code fedfhir.pki}), which the TEE requires of every caller. */
  static org.fedfhir.fhir.federation.SitePkiFiles siteCredentials(Environment env, String site) {
    String pki = env.getProperty("fedfhir.pki");
    if (pki == null || pki.isBlank()) {
      throw new IllegalArgumentException("--tee needs the site's network credentials (--pki): the TEE model service "
          + "answers only sites it can identify by their certificate");
    }
    return org.fedfhir.fhir.federation.SitePkiFiles.locate(java.nio.file.Path.of(pki), site);
  }
}
