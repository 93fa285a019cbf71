package org.fedfhir.auth.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.fedfhir.auth.smart.SmartScopes;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The users and clients of an authorisation server, read from a JSON file:
 *
 * <pre>{@code
 * {"users":   [{"username": "house", "passwordHash": "{bcrypt}$2a$10$…",
 *               "fhirUser": "Practitioner/dr-house", "roles": ["clinician"], "patient": null}],
 *  "clients": [{"clientId": "risk-app", "kind": "public", "redirectUris": ["https://app/cb"],
 *               "scopes": ["launch", "openid", "fhirUser", "patient/Observation.rs"]},
 *              {"clientId": "ehr", "kind": "confidential", "clientSecretHash": "{bcrypt}…",
 *               "redirectUris": ["https://ehr/cb"], "scopes": ["user/*.rs"], "launchIssuer": true},
 *              {"clientId": "pipeline", "kind": "backend", "jwks": {"keys": [ {EC P-384 public JWK} ]},
 *               "scopes": ["system/*.rs"], "roles": ["integrator"]}]}
 * }</pre>
 *
 * <p>{@link #load(Path)} checks every entry and names the bad one in its
 * {@link AuthDirectoryException}. {@link #builder()} makes a directory with generated credentials.
 */
public record AuthDirectory(List<DirectoryUser> users, List<DirectoryClient> clients) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern FHIR_USER =
      Pattern.compile("(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)/[A-Za-z0-9\\-.]{1,64}");

  public AuthDirectory {
    users = users == null ? List.of() : List.copyOf(users);
    clients = clients == null ? List.of() : List.copyOf(clients);
  }

  /** Reads and checks a directory file. */
  public static AuthDirectory load(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (IOException e) {
      throw new AuthDirectoryException("cannot read directory file " + file + ": " + e.getMessage(), e);
    }
    return parse(json, file.toString());
  }

  /** Parses and checks a directory; {@code source} names it in error messages. */
  public static AuthDirectory parse(String json, String source) {
    AuthDirectory d;
    try {
      d = JSON.readValue(json, AuthDirectory.class);
    } catch (JsonProcessingException e) {
      throw new AuthDirectoryException("directory " + source + " is not valid: " + e.getOriginalMessage(), e);
    }
    d.check(source);
    return d;
  }

  /** A builder that generates passwords, client secrets and backend keys. */
  public static Builder builder() {
    return new Builder();
  }

  /** The user called {@code username}. */
  public Optional<DirectoryUser> user(String username) {
    return users.stream().filter(u -> u.username().equals(username)).findFirst();
  }

  /** The client {@code clientId}. */
  public Optional<DirectoryClient> client(String clientId) {
    return clients.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
  }

  /** The directory as the JSON of its file (hashes and public keys only). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the directory file, readable by its owner only where the file system allows. */
  public void write(Path file) throws IOException {
    OwnerOnlyFiles.write(file, toJson());
  }

  /** Checks every entry; throws naming the first bad one. */
  void check(String source) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < users.size(); i++) {
      DirectoryUser u = users.get(i);
      String at = source + ": users[" + i + "]" + (u == null || u.username() == null ? "" : " ('" + u.username() + "')");
      require(u != null, at, "is null");
      require(u.username() != null && !u.username().isBlank(), at, "needs a username");
      require(names.add(u.username()), at, "repeats username '" + u.username() + "'");
      require(u.passwordHash() != null && BCRYPT.matcher(u.passwordHash()).matches(), at,
          "passwordHash must be a bcrypt hash written {bcrypt}$2a$…");
      require(u.fhirUser() != null && FHIR_USER.matcher(u.fhirUser()).matches(), at,
          "fhirUser must be a reference like Practitioner/dr-house, was '" + u.fhirUser() + "'");
      require(u.patient() == null || FHIR_ID.matcher(u.patient()).matches(), at,
          "patient must be a FHIR id (letters, digits, '-', '.'), was '" + u.patient() + "'");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < clients.size(); i++) {
      DirectoryClient c = clients.get(i);
      String at = source + ": clients[" + i + "]" + (c == null || c.clientId() == null ? "" : " ('" + c.clientId() + "')");
      require(c != null, at, "is null");
      require(c.clientId() != null && !c.clientId().isBlank(), at, "needs a clientId");
      require(ids.add(c.clientId()), at, "repeats clientId '" + c.clientId() + "'");
      require(c.kind() != null, at, "needs a kind: public, confidential or backend");
      for (String s : c.scopes()) {
        require(SmartScopes.isValid(s), at, "scope '" + s + "' is not a SMART scope");
      }
      checkClient(c, at);
    }
  }

  private static void checkClient(DirectoryClient c, String at) {
    switch (c.kind()) {
      case PUBLIC, CONFIDENTIAL -> {
        require(!c.redirectUris().isEmpty(), at, "a " + c.kind().code() + " client needs redirectUris");
        require(c.jwks() == null, at, "jwks is for backend clients only");
        boolean confidential = c.kind() == ClientKind.CONFIDENTIAL;
        require(confidential == (c.clientSecretHash() != null), at, confidential
            ? "a confidential client needs clientSecretHash" : "a public client has no clientSecretHash");
        require(!confidential || BCRYPT.matcher(c.clientSecretHash()).matches(), at,
            "clientSecretHash must be a bcrypt hash written {bcrypt}$2a$…");
        require(confidential || !c.launchIssuer(), at, "launchIssuer needs a confidential client");
        require(!(c.launchIssuer() && c.consent()), at, "an EHR (launchIssuer) signs in without a consent screen");
        require(c.scopes().stream().noneMatch(s -> s.startsWith("system/")), at,
            "system/ scopes are for backend clients");
      }
      case BACKEND -> {
        require(c.jwks() != null, at, "a backend client needs an inline jwks (public keys)");
        require(c.redirectUris().isEmpty() && c.clientSecretHash() == null && !c.launchIssuer() && !c.consent(), at,
            "a backend client has no redirectUris, clientSecretHash, launchIssuer or consent");
        require(!c.scopes().isEmpty(), at, "a backend client needs scopes");
        require(c.scopes().stream().allMatch(s -> s.startsWith("system/")), at,
            "a backend client may hold system/ scopes only");
        try {
          BackendKeys.fromJwks(c.jwks());
        } catch (IllegalArgumentException e) {
          throw new AuthDirectoryException(at + ": jwks " + e.getMessage(), e);
        }
      }
    }
  }

  private static void require(boolean ok, String at, String message) {
    if (!ok) {
      throw new AuthDirectoryException(at + ": " + message);
    }
  }

  /** The public keys of a backend client's inline JWK Set, checked (RS384 / ES384, public only). */
  public static JWKSet backendKeys(DirectoryClient client) {
    return BackendKeys.fromJwks(client.jwks());
  }

  /**
   * Makes a directory with generated credentials, for the demo and first-time set-up. Each
   * {@code add…} method returns the generated secret once; the directory keeps only its bcrypt hash
   * or, for backend clients, the public key.
   */
  public static final class Builder {
    private final List<DirectoryUser> users = new ArrayList<>();
    private final List<DirectoryClient> clients = new ArrayList<>();
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final SecureRandom random = new SecureRandom();

    private Builder() {}

    /** Adds a user with a random password; {@code patient} is null unless the user is a patient. */
    public GeneratedUser addUser(String username, String fhirUser, List<Role> roles, String patient) {
      Secret password = randomSecret();
      users.add(new DirectoryUser(username, encoder.encode(password.reveal()), fhirUser, roles, patient));
      return new GeneratedUser(username, password);
    }

    /** Adds a public SMART app (PKCE, no secret) the hospital has consented for its users. */
    public Builder addPublicClient(String clientId, List<String> redirectUris, List<String> scopes) {
      clients.add(new DirectoryClient(clientId, ClientKind.PUBLIC, redirectUris, scopes, null, null, null, false,
          false));
      return this;
    }

    /** Adds a public SMART app whose users approve (or decline) the scopes it asks for at sign-in. */
    public Builder addBrowserApp(String clientId, List<String> redirectUris, List<String> scopes) {
      clients.add(new DirectoryClient(clientId, ClientKind.PUBLIC, redirectUris, scopes, null, null, null, false,
          true));
      return this;
    }

    /** Adds a confidential client (an EHR when {@code launchIssuer}); returns its random client secret. */
    public Secret addConfidentialClient(String clientId, List<String> redirectUris, List<String> scopes,
        boolean launchIssuer) {
      Secret secret = randomSecret();
      clients.add(new DirectoryClient(clientId, ClientKind.CONFIDENTIAL, redirectUris, scopes,
          encoder.encode(secret.reveal()), null, null, launchIssuer, false));
      return secret;
    }

    /** Adds a backend-services client with a fresh EC P-384 key pair; returns the private key. */
    public GeneratedBackendClient addBackendClient(String clientId, List<String> scopes, List<Role> roles) {
      BackendKeyPair pair = BackendKeyPair.generate();
      ObjectNode jwks = JSON.createObjectNode();
      jwks.putArray("keys").add(JSON.valueToTree(pair.publicJwk().toJSONObject()));
      clients.add(new DirectoryClient(clientId, ClientKind.BACKEND, null, scopes, null, jwks, roles, false, false));
      return new GeneratedBackendClient(clientId, pair.keyId(), pair.privateJwk(), pair.privatePem());
    }

    /** The directory, checked as a loaded file would be. */
    public AuthDirectory build() {
      AuthDirectory d = new AuthDirectory(users, clients);
      d.check("generated directory");
      return d;
    }

    private Secret randomSecret() {
      byte[] b = new byte[18];
      random.nextBytes(b);
      return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }
  }
}
