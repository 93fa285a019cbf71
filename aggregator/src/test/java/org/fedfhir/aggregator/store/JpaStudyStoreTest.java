package org.fedfhir.aggregator.store;

import org.fedfhir.aggregator.store.jpa.JpaStoreConfiguration;
import org.junit.jupiter.api.Tag;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The store contract against the JPA store on H2 (the one Spring context of the test suite). */
@Tag("slow")
@SpringBootTest(classes = JpaStudyStoreTest.Config.class, properties = {
    "spring.datasource.url=jdbc:h2:mem:store-contract;DB_CLOSE_DELAY=-1",
    "spring.jpa.hibernate.ddl-auto=create-drop",
    "spring.jpa.open-in-view=false",
    "spring.main.banner-mode=off"})
class JpaStudyStoreTest extends StudyStoreContract {

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(JpaStoreConfiguration.class)
  static class Config {}

  @Autowired
  StudyStore store;

  @Override
  StudyStore store() {
    return store;
  }
}
