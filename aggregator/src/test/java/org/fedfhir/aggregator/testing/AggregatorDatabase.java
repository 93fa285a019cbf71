package org.fedfhir.aggregator.testing;

import java.nio.file.Path;
import java.util.Map;
import org.fedfhir.aggregator.statistics.ReleaseStore;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.store.jpa.JpaStoreConfiguration;
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
 * The aggregator's JPA stores on an H2 file, opened as the aggregator opens them (the same
 * auto-configuration, {@code ddl-auto=update}, {@code WRITE_DELAY=0}) but without its servers:
 * closing and opening again on the same file is a restart of the aggregator's database.
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

  /** Opens (creating if need be) the database in the file {@code file} ({@code .mv.db} appended by H2). */
  public static AggregatorDatabase open(Path file) {
    return new AggregatorDatabase(new SpringApplicationBuilder(Stores.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .properties(Map.of(
            "spring.datasource.url", "jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0",
            "spring.jpa.hibernate.ddl-auto", "update",
            "spring.jpa.open-in-view", "false"))
        .run());
  }

  public StudyStore studies() {
    return context.getBean(StudyStore.class);
  }

  public ReleaseStore releases() {
    return context.getBean(ReleaseStore.class);
  }

  /** Closes the database like a stopping aggregator (H2 closes the file with the last connection). */
  @Override
  public void close() {
    context.close();
  }
}
