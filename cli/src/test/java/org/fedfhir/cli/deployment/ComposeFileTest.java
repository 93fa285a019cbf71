package org.fedfhir.cli.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.fedfhir.cli.FedFhir;
import org.fedfhir.fhir.federation.SitePkiFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code docker/compose.yaml}, its Dockerfile and its setup (docker/README.md) checked without a Docker
 * engine: every server's command line is parsed by the CLI's own picocli tree (nothing is run), every
 * file, variable and dependency it names exists, and only the documented ports are published.
 */
class ComposeFileTest {

  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final String IMAGE = "${FEDFHIR_IMAGE:-fedfhir:local}";
  /** {@code $$}, {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR?error}} …, {@code $VAR}: compose's forms. */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern SECRET_PATH = Pattern.compile("/run/secrets/([A-Za-z0-9._-]+)");
  /** The published ports docker/README.md lists: service → the container port it publishes. */
  private static final Map<String, String> PUBLISHED = Map.of("aggregator", "8090",
      "hospital-a", "8443", "hospital-b", "8443", "hospital-c", "8443",
      "hospital-a-auth", "9441", "hospital-b-auth", "9442", "hospital-c-auth", "9443");

  /** Each service's command line, parsed once: the CLI's command tree takes a while to build. */
  private static final Map<String, ParseResult> PARSED = new LinkedHashMap<>();
  private static final String ENROL = "docker compose run --rm enrol ";
  private static List<ParseResult> enrolment;
  private static String composeText;
  private static Map<String, String> envExample;
  private static JsonNode compose;

  @BeforeAll
  static void readComposeWithTheExampleEnvironment() throws IOException {
    composeText = Files.readString(DOCKER.resolve("compose.yaml"));
    envExample = envFile(DOCKER.resolve(".env.example"));
    compose = new ObjectMapper(new YAMLFactory()).readTree(interpolate(composeText, envExample, new ArrayList<>()));
  }

  @Test
  void everyServersCommandLineParsesWithTheClisOwnParser() {
    Map<String, String> failures = new TreeMap<>();
    for (String service : fedfhirServices()) {
      try {
        ParseResult parsed = parsed(service);
        assertThat(parsed.subcommand()).as(service + " runs a subcommand").isNotNull();
      } catch (CommandLine.ParameterException e) {
        failures.put(service, e.getMessage());
      }
    }
    assertThat(failures).as("command lines the CLI refuses").isEmpty();
    assertThat(fedfhirServices()).contains("aggregator", "tee", "hospital-a", "hospital-b", "hospital-c",
        "hospital-a-auth", "hospital-b-auth", "hospital-c-auth");
  }

  @Test
  void everyServerListensOnItsContainersNetworkNotOnlyOnLoopback() {
    for (String service : servers()) {
      ParseResult sub = parsed(service).subcommand();
      assertThat(sub.matchedOptionValue("--bind", "127.0.0.1")).as(service + " --bind").isEqualTo("0.0.0.0");
      if (sub.hasMatchedOption("--fhir-port")) {
        assertThat(sub.matchedOptionValue("--fhir-bind", "127.0.0.1")).as(service + " --fhir-bind")
            .isEqualTo("0.0.0.0");
      }
    }
  }

  @Test
  void eachHospitalUsesItsOwnDatabaseAndAuthorisationServerAndTheNetworksAggregatorAndTee() {
    for (String hospital : List.of("hospital-a", "hospital-b", "hospital-c")) {
      ParseResult sub = parsed(hospital).subcommand();
      assertThat(sub.<String>matchedOptionValue("--name", null)).isEqualTo(hospital);
      assertThat(sub.<String>matchedOptionValue("--db", null))
          .isEqualTo("jdbc:postgresql://" + hospital + "-db:5432/fhir");
      assertThat(sub.<String>matchedOptionValue("--aggregator", null)).isEqualTo("aggregator:7443");
      assertThat(sub.<String>matchedOptionValue("--tee", null)).isEqualTo("https://tee:8093/fhir");
      ParseResult auth = parsed(hospital + "-auth").subcommand();
      assertThat(sub.<String>matchedOptionValue("--oauth-issuer", null))
          .isEqualTo(auth.matchedOptionValue("--issuer", null));
      assertThat(auth.<List<String>>matchedOptionValue("--resource", List.of()))
          .containsExactly(sub.<String>matchedOptionValue("--base-url", null));
      assertThat(dependencies(hospital)).contains(hospital + "-db", hospital + "-auth", "aggregator", "tee");
    }
    assertThat(parsed("aggregator").subcommand().<String>matchedOptionValue("--db", null))
        .isEqualTo("jdbc:postgresql://aggregator-db:5432/aggregator");
  }

  @Test
  void eachHospitalFindsItsSiteCredentialsAmongItsMountedSecrets(@TempDir Path runSecrets) throws IOException {
    for (String hospital : List.of("hospital-a", "hospital-b", "hospital-c")) {
      Path mounted = Files.createDirectories(runSecrets.resolve(hospital));
      for (JsonNode secret : compose.get("services").get(hospital).get("secrets")) {
        Files.writeString(mounted.resolve(secret.asText()), "mounted");
      }
      assertThat(parsed(hospital).subcommand().<Path>matchedOptionValue("--pki", null)).isEqualTo(Path.of("/run/secrets"));
      SitePkiFiles files = SitePkiFiles.locate(mounted, hospital);
      assertThat(files.privateKey().getFileName()).hasToString(hospital + "-key.pem");
    }
  }

  @Test
  void theHospitalsReadTheModelsFileTheAggregatorWritesOnAVolumeTheyShare() {
    Path written = parsed("aggregator").subcommand().matchedOptionValue("--tee-models-file", null);
    assertThat(volumeHolding("aggregator", written)).isEqualTo("tee-models");
    for (String hospital : List.of("hospital-a", "hospital-b", "hospital-c")) {
      assertThat(parsed(hospital).subcommand().<Path>matchedOptionValue("--tee-models", null)).isEqualTo(written);
      assertThat(volumeHolding(hospital, written)).isEqualTo("tee-models");
    }
  }

  @Test
  void everyFileUnderRunSecretsThatAServiceNamesIsASecretItMounts() {
    for (String service : names(compose.get("services"))) {
      JsonNode s = compose.get("services").get(service);
      Set<String> mounted = new LinkedHashSet<>();
      s.path("secrets").forEach(secret -> mounted.add(secret.isTextual() ? secret.asText() : secret.get("source").asText()));
      mounted.forEach(name -> assertThat(compose.get("secrets").has(name)).as(service + " mounts secret " + name
          + ", declared at the top level").isTrue());
      String named = s.path("command").toString() + s.path("healthcheck").toString() + s.path("environment");
      Matcher m = SECRET_PATH.matcher(named);
      while (m.find()) {
        assertThat(mounted).as(service + " names /run/secrets/" + m.group(1)).contains(m.group(1));
      }
    }
  }

  @Test
  void everySecretIsAFileTheSetupMakesAndNoneCanReachGitOrTheImage() throws IOException {
    String readme = Files.readString(DOCKER.resolve("README.md"));
    Set<String> fromSetup = setupOutputs();
    for (String secret : names(compose.get("secrets"))) {
      String file = compose.get("secrets").get(secret).get("file").asText();
      assertThat(file).as("secret " + secret).startsWith("./secrets/");
      String name = file.substring("./secrets/".length());
      assertThat(readme).as("docker/README.md lists secrets/" + name).contains("`secrets/" + name + "`");
      if (!name.contains("https") && name.endsWith(".pem") || name.endsWith("directory.json")) {
        assertThat(fromSetup).as("the setup's commands make " + name).contains(name);
      }
    }
    assertThat(Files.readAllLines(DOCKER.resolve("secrets/.gitignore"))).contains("*");
    assertThat(Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"))).contains("docker/secrets", "docker/.env");
  }

  @Test
  void everyVariableIsDefinedInTheExampleEnvironmentOrHasADefault() {
    List<String> undefined = new ArrayList<>();
    interpolate(composeText, Map.of(), undefined);
    assertThat(undefined.stream().filter(v -> !envExample.containsKey(v)))
        .as("variables with neither a default nor a line in docker/.env.example").isEmpty();
    assertThat(undefined).as("the host names have no default: they are the operator's").contains(
        "AGGREGATOR_HOST", "HOSPITAL_A_HOST", "HOSPITAL_A_AUTH_HOST", "TEE_MEASUREMENT");
  }

  @Test
  void everyDependencyIsAServiceWithAHealthCheckAndIsAwaitedHealthy() {
    for (String service : names(compose.get("services"))) {
      JsonNode dependsOn = compose.get("services").get(service).path("depends_on");
      for (String target : dependencies(service)) {
        assertThat(compose.get("services").has(target)).as(service + " depends on " + target).isTrue();
        assertThat(compose.get("services").get(target).path("healthcheck").path("test").isArray())
            .as(target + " has a health check").isTrue();
        assertThat(dependsOn.get(target).path("condition").asText()).as(service + " waits for " + target)
            .isEqualTo("service_healthy");
      }
    }
    for (String service : servers()) {
      assertThat(compose.get("services").get(service).path("healthcheck").path("test").toString())
          .as(service + " health check asks the server itself").contains("https://");
    }
  }

  @Test
  void onlyTheDocumentedPortsArePublishedAndDatabasesSitOnInternalNetworks() throws IOException {
    Map<String, String> published = new TreeMap<>();
    for (String service : names(compose.get("services"))) {
      JsonNode s = compose.get("services").get(service);
      assertThat(s.has("expose")).as(service + " expose").isFalse();
      for (JsonNode port : s.path("ports")) {
        String[] parts = port.asText().split(":");
        published.put(service, parts[parts.length - 1]);
      }
      if (service.endsWith("-db")) {
        JsonNode networks = s.get("networks");
        assertThat(networks.size()).as(service + " networks").isEqualTo(1);
        assertThat(compose.get("networks").get(networks.get(0).asText()).path("internal").asBoolean())
            .as(service + "'s network is internal").isTrue();
      }
    }
    assertThat(published).isEqualTo(new TreeMap<>(PUBLISHED));
    assertThat(compose.get("networks").get("federation").path("internal").asBoolean()).isTrue();
    String readme = Files.readString(DOCKER.resolve("README.md"));
    PUBLISHED.keySet().forEach(service -> assertThat(readme).as("README.md's published ports")
        .contains("| " + service + " |"));
  }

  @Test
  void theImageIsBuiltFromEveryModuleAndRunsAsAnUnprivilegedUserOnAJre17() throws IOException {
    List<String> built = names(compose.get("services")).stream()
        .filter(service -> compose.get("services").get(service).has("build")).toList();
    assertThat(built).as("one service builds the image the others run").hasSize(1);
    JsonNode build = compose.get("services").get(built.get(0)).get("build");
    Path context = DOCKER.resolve(build.get("context").asText()).normalize();
    assertThat(context).isEqualTo(ROOT);
    List<String> dockerfile = Files.readAllLines(context.resolve(build.get("dockerfile").asText()));
    Set<String> copied = new LinkedHashSet<>();
    for (String line : dockerfile) {
      if (line.startsWith("COPY ") && !line.startsWith("COPY --from=")) {
        String[] words = line.substring(5).trim().split("\\s+");
        for (int i = 0; i < words.length - 1; i++) {
          assertThat(context.resolve(words[i])).as("COPY source " + words[i]).exists();
          copied.add(words[i].replaceAll("/$", ""));
        }
      }
    }
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (module.find()) {
      assertThat(copied).as("the build stage copies module " + module.group(1)).contains(module.group(1));
    }
    List<String> from = dockerfile.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from.get(from.size() - 1)).startsWith("FROM eclipse-temurin:17-jre");
    String user = dockerfile.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
    assertThat(user).doesNotContain("root").isNotEqualTo("USER 0");
    assertThat(dockerfile).anyMatch(l -> l.startsWith("ENTRYPOINT ") && l.contains(FedFhir.class.getName()));
    fedfhirServices().forEach(service -> assertThat(compose.get("services").get(service).path("user").isMissingNode())
        .as(service + " keeps the image's user").isTrue());
  }

  @Test
  void setupCommandsParseAndNameTheAddressesThePartiesAreDialledAt() throws IOException {
    Map<String, ParseResult> requests = new LinkedHashMap<>();
    Set<String> signed = new LinkedHashSet<>();
    for (ParseResult command : readmeCommands()) {
      ParseResult step = command.subcommand().subcommand();
      assertThat(step).as(String.join(" ", command.originalArgs())).isNotNull();
      if (step.commandSpec().name().equals("request")) {
        assertThat(step.<Path>matchedOptionValue("--dir", null)).isEqualTo(Path.of("/enrol"));
        requests.put(step.matchedOptionValue("--name", null), step);
      } else if (step.commandSpec().name().equals("sign")) {
        signed.add(step.<Path>matchedOptionValue("--csr", null).getFileName().toString());
      }
    }
    assertThat(requests).containsOnlyKeys("aggregator", "tee", "hospital-a", "hospital-b", "hospital-c");
    for (ParseResult command : readmeCommands()) {
      ParseResult step = command.subcommand().subcommand();
      if (step.commandSpec().name().equals("accounts")) {
        String hospital = step.matchedOptionValue("--site", null);
        assertThat(step.<String>matchedOptionValue("--resource", null)).as(hospital + "'s accounts")
            .isEqualTo(parsed(hospital).subcommand().matchedOptionValue("--base-url", null));
      }
    }
    requests.keySet().forEach(party -> assertThat(signed).as("the CA signs " + party).contains(party + "-csr.pem"));
    assertThat(requests.get("aggregator").<List<String>>matchedOptionValue("--dns", List.of()))
        .contains("aggregator", envExample.get("AGGREGATOR_HOST"));
    assertThat(requests.get("tee").<List<String>>matchedOptionValue("--dns", List.of())).contains("tee");
    requests.forEach((party, request) -> assertThat(request.<String>matchedOptionValue("--role", null))
        .as(party + "'s role").isEqualTo(party.startsWith("hospital-") ? "site" : party));
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** The services that run the FedFHIR image (the servers and the enrolment helper). */
  private static List<String> fedfhirServices() {
    return names(compose.get("services")).stream()
        .filter(s -> interpolate(IMAGE, envExample, new ArrayList<>())
            .equals(compose.get("services").get(s).path("image").asText()))
        .toList();
  }

  /** The FedFHIR services that serve something (all but the enrolment helper). */
  private static List<String> servers() {
    return fedfhirServices().stream().filter(s -> !compose.get("services").get(s).has("profiles")).toList();
  }

  private static ParseResult parsed(String service) {
    ParseResult parsed = PARSED.get(service);
    if (parsed == null) {
      parsed = parse(command(service));
      PARSED.put(service, parsed);
    }
    return parsed;
  }

  /** The named volume {@code service} mounts at a parent of {@code file}, or null. */
  private static String volumeHolding(String service, Path file) {
    for (JsonNode volume : compose.get("services").get(service).path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (file.startsWith(Path.of(parts[1]))) {
        return parts[0];
      }
    }
    return null;
  }

  private static List<String> command(String service) {
    List<String> args = new ArrayList<>();
    compose.get("services").get(service).get("command").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static List<String> dependencies(String service) {
    return names(compose.get("services").get(service).path("depends_on"));
  }

  private static ParseResult parse(List<String> args) {
    return new CommandLine(new FedFhir()).parseArgs(args.toArray(String[]::new));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * README.md's setup lines ({@code docker compose run --rm enrol …} and the offline CA's
   * {@code ./fedfhir pki …}), with {@code $VAR} from .env.example, parsed by the CLI (once).
   */
  private static List<ParseResult> readmeCommands() throws IOException {
    if (enrolment == null) {
      List<ParseResult> commands = new ArrayList<>();
      for (String line : Files.readAllLines(DOCKER.resolve("README.md"))) {
        String l = line.strip();
        String args = l.startsWith(ENROL) ? l.substring(ENROL.length())
            : l.startsWith("./fedfhir pki ") ? l.substring("./fedfhir ".length()) : null;
        if (args != null) {
          String expanded = interpolate(args.replaceAll("\\s+#.*$", ""), envExample, new ArrayList<>());
          commands.add(parse(List.of(expanded.split("\\s+"))));
        }
      }
      enrolment = commands;
    }
    assertThat(enrolment).as("README.md's enrolment commands").isNotEmpty();
    return enrolment;
  }

  /**
   * The files README.md's setup leaves in secrets/ (mounted at /enrol): each party's key and certificate,
   * the CA's certificate, each authorisation server's directory.
   */
  private static Set<String> setupOutputs() throws IOException {
    Set<String> files = new LinkedHashSet<>();
    for (ParseResult command : readmeCommands()) {
      ParseResult step = command.subcommand().subcommand();
      if (step.commandSpec().name().equals("accounts")) {
        files.add(Path.of("/enrol").relativize(step.<Path>matchedOptionValue("--dir", null)) + "/directory.json");
      } else if (step.commandSpec().name().equals("request")) {
        files.add(step.matchedOptionValue("--name", "") + "-key.pem");
      } else if (step.commandSpec().name().equals("sign")) {
        String csr = step.<Path>matchedOptionValue("--csr", null).getFileName().toString();
        files.add(csr.replace("-csr.pem", "-cert.pem"));
        files.add("ca-cert.pem");
      }
    }
    return files;
  }

  /** Substitutes variables as compose does; names the variables used without a default in {@code undefined}. */
  private static String interpolate(String text, Map<String, String> env, List<String> undefined) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        String op = m.group(2);
        boolean hasDefault = op != null && op.endsWith("-");
        if (!hasDefault && !undefined.contains(name)) {
          undefined.add(name);
        }
        String value = env.get(name);
        boolean unset = value == null || op != null && op.startsWith(":") && value.isEmpty();
        replacement = unset && hasDefault ? m.group(3) : value == null ? "" : value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> l.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : "", (a, b) -> b, LinkedHashMap::new));
  }
}
