package org.fedfhir.cli.ehr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.fedfhir.cli.auth.LocalAuthServer;
import org.fedfhir.cli.auth.SiteAccounts;
import org.fedfhir.cli.demo.FreePorts;
import org.fedfhir.cli.tee.LocalTeeNetwork;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.server.HospitalServer;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.ServedModelsFile;
import org.fedfhir.tee.model.LinearModel;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The clinicians' risk app in a real browser (Debian's headless Chromium through its chromedriver): a
 * hospital with FedFHIR's authorisation server, the TEE model service with a provisioned model, the
 * EHR launch simulator; the clinician picks a patient, signs in at the authorisation server, and the
 * app shows the risk that {@code $infer} answers for that patient; or, launched standalone, the clinician
 * picks the patient at the authorisation server's patient picker.
 */
@org.junit.jupiter.api.Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RiskAppBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String SITE = "bench-site";
  static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr|1";

  LocalTeeNetwork tee;
  LocalAuthServer auth;
  ConfigurableApplicationContext hospital;
  EhrLaunchSimulator ehr;
  WebDriver browser;
  String base;
  final HttpClient http = HttpClient.newHttpClient();
  final FhirContext ctx = FhirContext.forR4Cached();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    tee = LocalTeeNetwork.start();
    Path models = dir.resolve("models.txt");
    ServedModelsFile.write(models, List.of(provision(tee)));
    int port = FreePorts.loopback(1).get(0);
    base = "http://localhost:" + port + "/fhir";
    auth = LocalAuthServer.start(SiteAccounts.inDirectory(dir.resolve("auth"), SITE, base), "127.0.0.1", 0, base);
    Map<String, String> teeProperties = Map.of("fedfhir.tee.url", tee.tee().server().baseUrl(),
        "fedfhir.tee.measurements", tee.tee().measurement().hex(),
        "fedfhir.tee.platform-keys", java.util.HexFormat.of().formatHex(tee.tee().platformPublicKey()),
        "fedfhir.tee.allow-simulated", "false", "fedfhir.tee.models", models.toString());
    teeProperties.forEach(System::setProperty);
    try {
      // the site's network credentials reach the TEE; no aggregator listens (nothing here trains)
      hospital = HospitalServer.start(new HospitalServer.Options(port, null, SITE, "jdbc:h2:mem:fedfhir-risk-app;DB_CLOSE_DELAY=-1",
          null, null, "localhost:1", tee.pki(), auth.issuer(), null, List.of(), null, null, null, null, false));
    } finally {
      teeProperties.keySet().forEach(System::clearProperty);
    }
    // a few of Cleveland's patients, as the integrator loads them
    org.hl7.fhir.r4.model.Bundle patients = org.fedfhir.fhir.loader.HeartDiseaseFhir.transaction(
        HeartDiseaseCentre.CLEVELAND, org.fedfhir.fhir.loader.HeartDiseaseRow.read(HeartDiseaseCentre.CLEVELAND)
            .subList(0, 5), LocalDate.now());
    HttpResponse<String> loaded = http.send(HttpRequest.newBuilder(URI.create(base))
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer "
            + auth.integratorTokens(base).get())
        .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(patients))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
    PlanDefinition study;
    try (InputStream in = RiskAppBrowserTest.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
      study = ctx.newJsonParser().parseResource(PlanDefinition.class, in);
    }
    study.setId("heart-disease-lr");
    // the study declares the bands its risk is shown by (the guide's risk-bands extension)
    org.hl7.fhir.r4.model.Extension bands = study.addExtension().setUrl("http://fedfhir.org/fhir/StructureDefinition/risk-bands");
    bands.addExtension("low", new org.hl7.fhir.r4.model.DecimalType("0.15"));
    bands.addExtension("high", new org.hl7.fhir.r4.model.DecimalType("0.6"));
    String steward = auth.userTokens("steward", "openid fhirUser user/*.cruds", base).get();
    assertThat(send("PUT", "/PlanDefinition/heart-disease-lr", steward, ctx.newJsonParser().encodeResourceToString(study))
        .statusCode()).isIn(200, 201);
    assertThat(send("POST", "/ResearchStudy", steward, ctx.newJsonParser().encodeResourceToString(
        ApprovalGate.approving(ctx, study))).statusCode()).isEqualTo(201);
    // the site's completed TrainingTask, as $train leaves it at the study's end
    org.hl7.fhir.r4.model.Task task = new org.hl7.fhir.r4.model.Task()
        .setStatus(org.hl7.fhir.r4.model.Task.TaskStatus.COMPLETED).setIntent(org.hl7.fhir.r4.model.Task.TaskIntent.ORDER)
        .setFocus(new org.hl7.fhir.r4.model.Reference("PlanDefinition/heart-disease-lr"));
    for (Map.Entry<String, String> output : Map.of("network-accuracy", "0.842", "auc", "0.913").entrySet()) {
      task.addOutput().setValue(new org.hl7.fhir.r4.model.DecimalType(output.getValue())).getType()
          .addCoding().setSystem(org.fedfhir.study.StudyUrls.CS_TRAINING_OUTPUT).setCode(output.getKey());
    }
    hospital.getBean(ca.uhn.fhir.jpa.api.dao.DaoRegistry.class).getResourceDao(org.hl7.fhir.r4.model.Task.class)
        .create(task, new ca.uhn.fhir.rest.api.server.SystemRequestDetails());
    ehr = EhrLaunchSimulator.start(List.of(new EhrLaunchSimulator.Site(SITE, base, auth.issuer(), auth.accounts(),
        auth.integratorTokens(base))), 0);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1200");
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build(), options);
  }

  /** The reference model provisioned to the TEE as the aggregator does at a study's end. */
  static ServedModel provision(LocalTeeNetwork network) throws Exception {
    LinearModel model = new LinearModel(STUDY, "22",
        List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak"),
        new double[] {53.5, 0.79, 3.25, 132.1, 220.0, 0.17, 0.6, 137.5, 0.39, 0.88},
        new double[] {9.4, 0.41, 0.93, 18.4, 93.0, 0.37, 0.8, 25.9, 0.49, 1.09},
        new double[] {0.31, 0.52, 0.68, 0.12, 0.05, 0.09, 0.11, -0.42, 0.47, 0.55}, -0.21);
    AttestationPolicy policy = AttestationPolicy.builder().allowSimulatedEvidence(network.tee().platformPublicKey())
        .trustMeasurement(network.tee().measurement()).build();
    ProvisioningRecord record = new ModelProvisioner(network.aggregator(), new AttestationVerifier(policy),
        Clock.systemUTC()).provision(model);
    return new ServedModel(STUDY, record.modelDigest(), 4, 22, record.measurement().hex());
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json")
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (ehr != null) {
      ehr.close();
    }
    if (hospital != null) {
      hospital.close();
    }
    if (auth != null) {
      auth.close();
    }
    if (tee != null) {
      tee.close();
    }
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void aClinicianWhoDeclinesTheRiskAssessmentScopeAtTheConsentScreenGetsNoRiskAndCannotSave() throws Exception {
    WebDriverWait wait = launchTheFirstPatient("patient/RiskAssessment.cr");

    wait.until(ExpectedConditions.elementToBeClickable(By.id("compute"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(browser.findElement(By.id("error")).getText()).as("the hospital's refusal, in its words")
        .contains("403");
    assertThat(browser.findElement(By.id("save")).isEnabled()).isFalse();
    assertThat(browser.findElement(By.id("result")).isDisplayed()).isFalse();
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void anEhrLaunchSignsTheClinicianInAndShowsTheRiskThatInferAnswersForThePatient() throws Exception {
    WebDriverWait wait = launchTheFirstPatient();

    computeRisk(wait);
    String patient = browser.findElement(By.id("patient")).getAttribute("data-patient-id");
    double shown = Double.parseDouble(browser.findElement(By.id("risk")).getAttribute("data-probability"));

    assertThat(shown).isCloseTo(inferred(patient), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(browser.findElement(By.id("bands")).getText()).isEqualTo("Bands: low below 15 %, high from 60 % (the study's)");
    assertThat(browser.findElement(By.id("band")).getText())
        .isEqualTo((shown < 0.15 ? "low" : shown < 0.6 ? "moderate" : "high") + " risk");
    assertThat(browser.findElement(By.id("basis")).getText()).as("the observations the risk was based on")
        .contains("mg/dL");
    assertThat(browser.findElement(By.id("rationale")).getText()).contains("attested TEE");
    assertThat(browser.findElement(By.id("provenance")).getText()).as("the model's provenance, before saving")
        .contains(tee.tee().measurement().hex()).contains("model SHA-256").contains("simulated evidence")
        .contains("84.2 % on all sites' test patients, final round").contains("0.913 on this hospital's test patients");

    Path png = Path.of("target", "risk-app.png");
    Files.createDirectories(png.getParent());
    Files.write(png, ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

    // saved to the chart: the RiskAssessment's Provenance names the TEE's measurement and the model
    browser.findElement(By.id("save")).click();
    wait.until(d -> d.findElement(By.id("saved")).getText().startsWith("saved as RiskAssessment/"));
    wait.until(d -> d.findElement(By.id("provenance")).getText().contains("measurement"));
    assertThat(browser.findElement(By.id("provenance")).getText())
        .contains(tee.tee().measurement().hex()).contains("model SHA-256");
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void aPatientWithoutObservationsGetsTheRiskOnTheNetworksMeansAndTheAppSaysSo() throws Exception {
    assertThat(send("PUT", "/Patient/no-features", auth.integratorTokens(base).get(),
        "{\"resourceType\":\"Patient\",\"id\":\"no-features\",\"gender\":\"female\",\"birthDate\":\"1960-01-01\"}")
        .statusCode()).isIn(200, 201);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(ehr.url() + "launch?site=" + SITE + "&patient=no-features");
    signInAsClinicianIfAsked(wait);
    // the study imputes the network's mean for a missing value: the risk comes with the note naming each
    computeRisk(wait);
    assertThat(browser.findElement(By.id("patient")).getAttribute("data-patient-id")).isEqualTo("no-features");
    assertThat(browser.findElement(By.id("notes")).getText()).startsWith("Missing, the network's mean was used:")
        .contains("chol").contains("thalach");
    assertThat(browser.findElement(By.id("basis")).findElements(By.cssSelector("tbody tr"))).isEmpty();
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void aStandaloneLaunchLetsTheClinicianPickThePatientAtTheAuthorisationServerAndShowsTheRiskInferAnswers()
      throws Exception {
    HttpResponse<String> patients = send("GET", "/Patient?gender=male&_count=1", auth.integratorTokens(base).get(), "");
    String patient = ctx.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, patients.body())
        .getEntryFirstRep().getResource().getIdElement().getIdPart();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

    // opened from a bookmark, not the EHR: only iss, no launch
    browser.get(SiteAccounts.riskAppBase(base) + "launch.html?iss="
        + java.net.URLEncoder.encode(base, java.nio.charset.StandardCharsets.UTF_8));
    wait.until(d -> !d.findElements(By.id("username")).isEmpty() || !d.findElements(By.id("pick-patient")).isEmpty());
    if (!browser.findElements(By.id("username")).isEmpty()) {
      signInAsClinicianIfAsked(wait);
    }
    wait.until(ExpectedConditions.elementToBeClickable(By.id("pick-patient")));
    browser.findElement(By.cssSelector("input#patient")).sendKeys(patient);
    browser.findElement(By.id("pick-patient")).click();
    signInAsClinicianIfAsked(wait);

    computeRisk(wait);
    assertThat(browser.findElement(By.id("patient")).getAttribute("data-patient-id")).isEqualTo(patient);
    double shown = Double.parseDouble(browser.findElement(By.id("risk")).getAttribute("data-probability"));
    assertThat(shown).isCloseTo(inferred(patient), org.assertj.core.data.Offset.offset(1e-9));
  }

  /** The probability {@code $infer} answers a clinician for {@code patient}. */
  double inferred(String patient) throws Exception {
    String clinician = auth.userTokens("clinician", "openid fhirUser user/Patient.rs user/Observation.rs "
        + "user/RiskAssessment.cr", base).get();
    Parameters in = new Parameters();
    in.addParameter().setName("study").setValue(new org.hl7.fhir.r4.model.CanonicalType(STUDY));
    HttpResponse<String> answer = send("POST", "/Patient/" + patient + "/$infer", clinician,
        ctx.newJsonParser().encodeResourceToString(in));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    RiskAssessment ra = ctx.newJsonParser().parseResource(RiskAssessment.class, answer.body());
    return ra.getPredictionFirstRep().getProbabilityDecimalType().getValueAsNumber().doubleValue();
  }

  /** The EHR simulator's first patient, launched; the clinician signs in declining {@code declined}. */
  WebDriverWait launchTheFirstPatient(String... declined) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(ehr.url());
    browser.findElement(By.cssSelector("li a")).click();
    signInAsClinicianIfAsked(wait, declined);
    return wait;
  }

  /** Clicks Compute risk and waits for the risk (an error shown instead fails, with its text). */
  void computeRisk(WebDriverWait wait) {
    wait.until(ExpectedConditions.elementToBeClickable(By.id("compute"))).click();
    wait.until(d -> !d.findElement(By.id("risk")).getAttribute("data-probability").isEmpty()
        || d.findElement(By.id("error")).isDisplayed());
    assertThat(browser.findElement(By.id("error")).isDisplayed()).as(browser.findElement(By.id("error")).getText())
        .isFalse();
  }

  /**
   * The authorisation server's sign-in page, where the EHR's launch sent the browser (once per browser
   * session), then its consent screen for the app's scopes, where the clinician declines {@code declined}
   * (shown again only while the app asks for a scope not yet approved).
   */
  void signInAsClinicianIfAsked(WebDriverWait wait, String... declined) {
    wait.until(d -> !d.findElements(By.id("username")).isEmpty() || !d.findElements(By.id("compute")).isEmpty()
        || !d.findElements(By.id("submit-consent")).isEmpty());
    if (!browser.findElements(By.id("username")).isEmpty()) {
      browser.findElement(By.id("username")).sendKeys("clinician");
      browser.findElement(By.id("password")).sendKeys(auth.accounts().password("clinician"));
      browser.findElement(By.cssSelector("button[type=submit], input[type=submit]")).click();
      wait.until(d -> !d.findElements(By.id("compute")).isEmpty() || !d.findElements(By.id("submit-consent")).isEmpty()
          || !d.findElements(By.id("pick-patient")).isEmpty());
    }
    if (!browser.findElements(By.id("submit-consent")).isEmpty()) {
      // the screen lists each scope not yet approved, unticked: the clinician ticks what they grant
      List<String> no = List.of(declined);
      for (org.openqa.selenium.WebElement box : browser.findElements(By.cssSelector("input[type=checkbox][name=scope]"))) {
        if (box.isSelected() == no.contains(box.getAttribute("value"))) {
          box.click();
        }
      }
      browser.findElement(By.id("submit-consent")).click();
    }
  }
}
