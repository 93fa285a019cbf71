package org.fedfhir.aggregator.testing;

import java.nio.file.Path;
import org.fedfhir.aggregator.config.AggregatorSettings;
import org.fedfhir.aggregator.statistics.ReleaseStore;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.store.jpa.JpaStoreConfiguration;
import org.fedfhir.testing.TestDatabase;
import org.springframework.boot.Banner;
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
 * The aggregator's JPA stores on an H2 file or PostgreSQL, opened as the aggregator opens them (the
 * same auto-configuration and {@link AggregatorSettings#dataSource} settings) but without its
 * servers: closing and opening again on the same database is a restart of the aggregator's database.
 */
public final class AggregatorDatabase implements AutoCloseable {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
      TransactionAutoConfiguration.class})
  @Import(JpaStoreConfiguration.class)
  static class Stores {}

  private final ConfigurableApplicationContext context;

  private AggregatorDatabase(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Opens (creating if need be) the database at {@code location}: an H2 file ({@code .mv.db} appended by
   * H2) or a PostgreSQL database.
   */
  public static AggregatorDatabase open(TestDatabase.Location location) {
    return new AggregatorDatabase(new SpringApplicationBuilder(Stores.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .properties(AggregatorSettings.dataSource(location.db(), location.user(), location.password()))
        .run());
  }

  /** Opens (creating if need be) the database in the H2 file {@code file} ({@code .mv.db} appended by H2). */
  public static AggregatorDatabase open(Path file) {
    return open(new TestDatabase.Location(file.toString(), null, null));
  }

  public StudyStore studies() {
    return context.getBean(StudyStore.class);
  }

  public ReleaseStore releases() {
    return context.getBean(ReleaseStore.class);
  }

  /** Closes the database like a stopping aggregator (its connections; H2 closes the file with the last). */
  @Override
  public void close() {
    context.close();
  }
}
