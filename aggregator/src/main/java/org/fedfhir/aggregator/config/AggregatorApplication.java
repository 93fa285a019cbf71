package org.fedfhir.aggregator.config;

import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The aggregator service as a Spring Boot application without a web server (the small FHIR
 * endpoint for publishing studies comes later). Started by {@code ./fedfhir aggregator}.
 */
@Configuration(proxyBeanMethods = false)
// Only the auto-configuration the aggregator needs: the CLI's classpath also carries the hospital
// server's libraries (Flyway, Elasticsearch, Quartz …), which must not start here.
@ImportAutoConfiguration({DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
    TransactionAutoConfiguration.class})
@Import(AggregatorConfiguration.class)
public class AggregatorApplication {

  /** Starts the aggregator; the returned context is running (gRPC server listening). */
  public static ConfigurableApplicationContext start(AggregatorSettings settings) {
    return start(settings, null);
  }

  /**
   * As {@link #start(AggregatorSettings)}, provisioning every finished study's model into the
   * attested TEE model service of {@code tee} (null: none); see {@code ModelProvisioningService}.
   */
  public static ConfigurableApplicationContext start(AggregatorSettings settings,
      org.fedfhir.aggregator.provisioning.ProvisioningSettings tee) {
    return new SpringApplicationBuilder(AggregatorApplication.class)
        .web(WebApplicationType.NONE)
        .bannerMode(org.springframework.boot.Banner.Mode.OFF)
        .properties(settings.dataSource())
        .properties(Map.of("spring.main.register-shutdown-hook", "true"))
        .initializers(ctx -> {
          ctx.getBeanFactory().registerSingleton("aggregatorSettings", settings);
          if (tee != null) {
            ctx.getBeanFactory().registerSingleton("provisioningSettings", tee);
          }
        })
        .run();
  }
}
