package org.fedfhir.aggregator.store.jpa;

import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * Spring wiring of the JPA store: entities, repositories and the {@link JpaStudyStore} and
 * {@link JpaReleaseStore} beans.
 */
@Configuration(proxyBeanMethods = false)
@EntityScan(basePackageClasses = JpaStudyStore.class)
@EnableJpaRepositories(basePackageClasses = JpaStudyStore.class, considerNestedRepositories = true)
@EnableTransactionManagement
public class JpaStoreConfiguration {

  @Bean
  JpaStudyStore jpaStudyStore(Repositories.Studies studies, Repositories.Sites sites,
      Repositories.Rounds rounds, Repositories.Models models, Repositories.Metrics metrics,
      Repositories.ModelSpecs specs, Repositories.Provisionings provisionings) {
    return new JpaStudyStore(studies, sites, rounds, models, metrics, specs, provisionings);
  }

  @Bean
  JpaReleaseStore jpaReleaseStore(Repositories.Releases releases, Repositories.Ledgers ledgers,
      Repositories.Charges charges, Repositories.Definitions definitions, PlatformTransactionManager transactions) {
    return new JpaReleaseStore(releases, ledgers, charges, definitions, transactions);
  }
}
