package org.fedfhir.fhir;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.fedfhir.fhir.access.TestIssuer;
import org.fedfhir.fhir.server.HospitalServerApplication;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * A test against the real hospital server (HAPI JPA, H2 in memory) trusting {@link TestIssuer}'s
 * tokens. Every class so annotated shares one Spring context, so the JPA server starts once per run.
 */
@Tag("slow")
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = HospitalServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "spring.datasource.url=jdbc:h2:mem:fedfhir-it;DB_CLOSE_DELAY=-1",
        "spring.datasource.username=sa", "spring.datasource.password=",
        "spring.datasource.driver-class-name=org.h2.Driver",
        "spring.main.allow-bean-definition-overriding=true", "spring.main.allow-circular-references=true",
        "spring.flyway.enabled=false", "fedfhir.site.name=cleveland-test"})
@ContextConfiguration(initializers = TestIssuer.Initializer.class)
public @interface HospitalJpaTest {}
