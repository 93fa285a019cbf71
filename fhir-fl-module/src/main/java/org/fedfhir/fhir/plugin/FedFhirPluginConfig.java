package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Duration;
import java.util.List;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.site.FederatedTrainingService;
import org.fedfhir.fhir.site.LocalTrainingService;
import org.fedfhir.fhir.site.SecureStatsSiteService;
import org.fedfhir.fhir.site.StatisticsReleasePolicy;
import org.fedfhir.fhir.site.StudyAdmission;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StudyValidator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The plugin's beans for any HAPI FHIR JPA server (R4): in our hospital server, and in the stock
 * {@code hapi-fhir-jpaserver-starter} through {@code hapi.fhir.custom-bean-packages: org.fedfhir.fhir.plugin}
 * plus {@code custom-provider-classes: org.fedfhir.fhir.plugin.TrainOperationProvider}. Extra
 * {@link StudyValidator} beans (e.g. the IG-profile validator) are picked up automatically.
 */
@Configuration
public class FedFhirPluginConfig {

  @Bean
  public UcumConverter fedfhirUcumConverter() {
    return new UcumConverter();
  }

  /** Holds incoming studies to the guide's FederatedStudy profile (HAPI validator), beside the parser's rules. */
  @Bean
  public IgStudyValidator fedfhirIgStudyValidator() {
    return IgStudyValidator.loadingInBackground();
  }

  @Bean
  public StudyReader fedfhirStudyReader(ObjectProvider<StudyValidator> validators) {
    return new StudyReader(List.copyOf(validators.orderedStream().toList()));
  }

  /** The site's studies, approvals, Tasks and AuditEvents as the site services see them. */
  @Bean
  public DaoSiteStore fedfhirSiteStore(DaoRegistry daos) {
    return new DaoSiteStore(daos);
  }

  /**
   * How extraction reads the store: keyset pages of {@value JpaResourceReader#PAGE} resources, loaded by
   * {@code fedfhir.extract.loaders} threads (default: one per core).
   */
  @Bean
  @SuppressWarnings("unchecked")
  public JpaResourceReader fedfhirResourceReader(ca.uhn.fhir.context.FhirContext fhir,
      ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService transactions,
      jakarta.persistence.EntityManagerFactory entityManagers, ca.uhn.fhir.jpa.dao.SearchBuilderFactory<?> builders,
      ca.uhn.fhir.jpa.model.config.PartitionSettings partitions,
      @Value("${fedfhir.extract.loaders:0}") int loaders) {
    return new JpaResourceReader(fhir, transactions,
        org.springframework.orm.jpa.SharedEntityManagerCreator.createSharedEntityManager(entityManagers),
        (ca.uhn.fhir.jpa.dao.SearchBuilderFactory<ca.uhn.fhir.jpa.model.dao.JpaPid>) builders, partitions,
        JpaResourceReader.PAGE, loaders > 0 ? loaders : Runtime.getRuntime().availableProcessors());
  }

  /** The site's clinical data as studies read it: bulk reads of the JPA store. */
  @Bean
  public DaoClinicalDataSource fedfhirClinicalData(DaoRegistry daos, JpaResourceReader reader) {
    return new DaoClinicalDataSource(daos, reader);
  }

  /** Which studies the site takes part in: known, valid, of the operation's kind, active and approved. */
  @Bean
  public StudyAdmission fedfhirStudyAdmission(DaoSiteStore store, StudyReader reader) {
    return new StudyAdmission(store, store, reader);
  }

  /** {@code mode=federated}: configured by {@code fedfhir.aggregator} (host:port) and {@code fedfhir.pki} (directory). */
  @Bean(destroyMethod = "close")
  public FederatedTrainingService fedfhirFederatedTrainingService(FhirContext ctx, DaoRegistry daos,
      DaoClinicalDataSource data, DaoSiteStore store, UcumConverter ucum, @Value("${fedfhir.site.name:hospital}") String site,
      @Value("${fedfhir.aggregator:}") String aggregator, @Value("${fedfhir.pki:}") String pki,
      @Value("${fedfhir.federation.min-sites:3}") int siteMinSites,
      @Value("${fedfhir.federation.peer-pins:}") String peerPins,
      @Value("${fedfhir.federation.rejoin-within:PT10M}") String rejoinWithin) {
    return FederatedTrainingService.fromSettings(data, store, store, ucum, site,
        aggregator, pki, siteMinSites, peerPins, new DaoContributionLedger(daos, site),
        org.fedfhir.fhir.federation.Rejoin.fromSetting(rejoinWithin));
  }

  @Bean(destroyMethod = "close")
  public LocalTrainingService fedfhirLocalTrainingService(StudyAdmission admission, DaoClinicalDataSource data,
      DaoSiteStore store, UcumConverter ucum, @Value("${fedfhir.site.name:hospital}") String site,
      FederatedTrainingService federated) {
    return new LocalTrainingService(admission, data, store, store, ucum, site, federated);
  }

  /**
   * {@code $secure-stats} at the site: joins statistics studies over the $train connection to the
   * aggregator; {@code fedfhir.statistics.min-cell-count} is this site's minimum released count,
   * {@code fedfhir.statistics.min-cohort} the smallest cohort it joins a statistics study with,
   * {@code fedfhir.statistics.epsilon-cap} the most ε it spends on one study url (all versions).
   */
  @Bean
  public SecureStatsSiteService fedfhirSecureStatsSiteService(FhirContext ctx, StudyAdmission admission,
      DaoClinicalDataSource data, DaoSiteStore store, UcumConverter ucum,
      @Value("${fedfhir.site.name:hospital}") String site,
      @Value("${fedfhir.statistics.min-cell-count:5}") int minCellCount,
      @Value("${fedfhir.statistics.min-cohort:20}") int minCohort,
      @Value("${fedfhir.statistics.epsilon-cap:" + StatisticsReleasePolicy.DEFAULT_EPSILON_CAP + "}") double epsilonCap,
      FederatedTrainingService federated) {
    return new SecureStatsSiteService(admission, data, store, ucum, site, minCellCount,
        minCohort, new StatisticsReleasePolicy(store, store, site, epsilonCap), federated.aggregator(),
        Duration.ofSeconds(30));
  }

  @Bean
  public SecureStatsOperationProvider fedfhirSecureStatsOperationProvider(FhirContext ctx,
      SecureStatsSiteService service) {
    return new SecureStatsOperationProvider(ctx, service);
  }

  /**
   * {@code $clean-room} at the site: delivers a clean-room study's rows sealed to the TEE model
   * service of {@code fedfhir.tee.*} ({@link CleanRoomSetup}).
   */
  @Bean(destroyMethod = "close")
  public org.fedfhir.fhir.site.CleanRoomSiteService fedfhirCleanRoomSiteService(StudyAdmission admission,
      DaoClinicalDataSource data, DaoSiteStore store, UcumConverter ucum, org.springframework.core.env.Environment env) {
    return CleanRoomSetup.service(admission, data, store, ucum, env);
  }

  @Bean
  public CleanRoomOperationProvider fedfhirCleanRoomOperationProvider(
      org.fedfhir.fhir.site.CleanRoomSiteService service) {
    return new CleanRoomOperationProvider(service);
  }

  @Bean
  public TrainOperationProvider fedfhirTrainOperationProvider(FhirContext ctx, LocalTrainingService service) {
    return new TrainOperationProvider(ctx, service);
  }

  /** {@code $infer}: TEE and models from {@code fedfhir.tee.*} ({@link org.fedfhir.fhir.inference.TeeSiteSettings}). */
  @Bean
  public InferOperationProvider fedfhirInferOperationProvider(DaoRegistry daos, StudyReader reader, UcumConverter ucum,
      org.springframework.core.env.Environment env, org.fedfhir.fhir.access.SmartRules rules) {
    return InferenceSetup.provider(daos, reader, ucum, env, rules::mayRead);
  }
}
