package org.fedfhir.fhir.server;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.fedfhir.fhir.access.AccessAudit;
import org.fedfhir.fhir.access.HospitalSecurityConfiguration;
import org.fedfhir.fhir.access.SmartCapabilities;
import org.fedfhir.fhir.access.SmartConfiguration;
import org.fedfhir.fhir.access.SmartRules;
import org.fedfhir.fhir.plugin.FedFhirPluginConfig;
import org.fedfhir.fhir.plugin.TrainOperationProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * A hospital's FHIR server: HAPI FHIR JPA (R4) with the FedFHIR plugin registered exactly as a stock
 * starter would (the {@link FedFhirPluginConfig} beans, {@link TrainOperationProvider} as a provider), as an
 * OAuth2 resource server whose every request is authorised by {@link SmartRules}
 * ({@link HospitalSecurityConfiguration}). Multiple deletes and {@code $expunge} are off.
 */
@SpringBootApplication(exclude = {ElasticsearchRestClientAutoConfiguration.class, QuartzAutoConfiguration.class,
    ThymeleafAutoConfiguration.class},
    // The hospital configures its own security (HospitalSecurityConfiguration). When FedFHIR's auth server shares
    // the classpath, as in the command line, its auto-configurations must stay out of this context: names, as the
    // classes may be absent.
    excludeName = {
        "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration"})
@Import({JpaR4Config.class, HapiJpaConfig.class, ThreadPoolFactoryConfig.class, SubscriptionChannelConfig.class,
    JpaBatch2Config.class, Batch2JobsConfig.class, FedFhirPluginConfig.class, HospitalSecurityConfiguration.class,
    org.fedfhir.fhir.cds.CdsHooksConfiguration.class})
public class HospitalServerApplication {

  @Bean
  public JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings s = new JpaStorageSettings();
    s.setAllowMultipleDelete(false);
    s.setExpungeEnabled(false);
    s.setAutoCreatePlaceholderReferenceTargets(false);
    s.setInternalSynchronousSearchSize(5_000_000);
    return s;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(ConfigurableListableBeanFactory beanFactory,
      FhirContext ctx, JpaStorageSettings settings, DataSource dataSource,
      @Value("${spring.datasource.url}") String url) {
    LocalContainerEntityManagerFactoryBean emf =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, ctx, settings);
    emf.setPersistenceUnitName("HAPI_PU");
    emf.setDataSource(dataSource);
    Map<String, Object> jpa = new HashMap<>();
    jpa.put("hibernate.dialect", url.startsWith("jdbc:postgresql:")
        ? HapiFhirPostgresDialect.class.getName() : HapiFhirH2Dialect.class.getName());
    jpa.put("hibernate.hbm2ddl.auto", "update");
    jpa.put("hibernate.search.enabled", "false");
    jpa.put("hibernate.format_sql", "false");
    jpa.put("hibernate.show_sql", "false");
    jpa.put("hibernate.jdbc.batch_size", "50");
    emf.setJpaPropertyMap(jpa);
    return emf;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory emf) {
    return new JpaTransactionManager(emf);
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(FhirContext ctx, ResourceProviderFactory providers,
      JpaSystemProvider<?, ?> systemProvider, DatabaseBackedPagingProvider paging, BulkDataExportProvider bulk,
      IFhirSystemDao<?, ?> systemDao, JpaStorageSettings settings, ISearchParamRegistry searchParams,
      IValidationSupport validation, TrainOperationProvider train,
      org.fedfhir.fhir.plugin.InferOperationProvider infer,
      org.fedfhir.fhir.plugin.SecureStatsOperationProvider secureStats,
      org.fedfhir.fhir.plugin.CleanRoomOperationProvider cleanRoom, SmartRules rules, AccessAudit audit,
      SmartConfiguration smart) {
    RestfulServer server = new RestfulServer(ctx);
    server.registerInterceptor(rules);
    server.registerInterceptor(audit);
    server.registerInterceptor(new SmartCapabilities(smart));
    server.registerProviders(providers.createProviders());
    server.registerProvider(systemProvider);
    server.registerProvider(bulk);
    server.registerProvider(train);
    server.registerProvider(infer);
    server.registerProvider(secureStats);
    server.registerProvider(cleanRoom);
    server.setPagingProvider(paging);
    server.setDefaultResponseEncoding(ca.uhn.fhir.rest.api.EncodingEnum.JSON);
    server.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(server, systemDao, settings, searchParams, validation));
    ServletRegistrationBean<RestfulServer> bean = new ServletRegistrationBean<>(server, "/fhir/*");
    bean.setLoadOnStartup(1);
    return bean;
  }
}
