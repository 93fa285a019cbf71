package org.fedfhir.auth.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A registered client.
 *
 * @param clientId the OAuth {@code client_id}
 * @param kind public, confidential or backend
 * @param redirectUris where authorization codes may be sent (public and confidential)
 * @param scopes the scopes the client may request (SMART v1 and v2 forms; see {@code SmartScopes})
 * @param clientSecretHash confidential clients: bcrypt hash, {@code {bcrypt}$2a$…}
 * @param jwks backend clients: inline public JWK Set (RS384 or ES384 keys)
 * @param roles backend clients: FedFHIR roles, the token's {@code fedfhir_roles}
 * @param launchIssuer confidential clients (an EHR): may create EHR launch contexts at {@code POST /launch}
 * @param consent public and confidential clients: the user sees the scopes the app asks for and may
 *     decline some before the code is issued (a browser app's sign-in); otherwise the registration is
 *     the hospital's consent
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DirectoryClient(String clientId, ClientKind kind, List<String> redirectUris, List<String> scopes,
    String clientSecretHash, JsonNode jwks, List<Role> roles, boolean launchIssuer, boolean consent) {
  public DirectoryClient {
    redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  @Override
  public String toString() {
    return "DirectoryClient[" + clientId + ", " + kind + ", " + scopes + "]";
  }
}
