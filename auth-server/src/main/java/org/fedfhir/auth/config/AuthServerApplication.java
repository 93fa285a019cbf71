package org.fedfhir.auth.config;

import org.fedfhir.auth.smart.LaunchController;
import org.fedfhir.auth.smart.SmartConfigurationController;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.HttpEncodingAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The authorisation server's Spring Boot application. Instead of {@code @EnableAutoConfiguration}
 * it imports the few auto-configurations it needs (embedded servlet container, MVC, Jackson,
 * errors, the security filter registration, SSL bundles), so whatever else is on the classpath
 * (a database driver, HAPI FHIR, another app's {@code application.yaml}) does not configure it.
 * Started through {@code org.fedfhir.auth.AuthServer}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, SslAutoConfiguration.class,
    ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
    WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class,
    HttpEncodingAutoConfiguration.class, ErrorMvcAutoConfiguration.class, SecurityFilterAutoConfiguration.class})
@Import({AuthorizationServerBeans.class, SecurityChains.class, SmartConfigurationController.class,
    LaunchController.class, org.fedfhir.auth.smart.PatientPicker.class})
public class AuthServerApplication {}
