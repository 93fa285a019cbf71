package org.fedfhir.auth.directory;

import java.util.List;

/**
 * A person who logs in at the authorisation server.
 *
 * @param username login name, the token's {@code sub}
 * @param passwordHash bcrypt hash in DelegatingPasswordEncoder form: {@code {bcrypt}$2a$…}
 * @param fhirUser the FHIR resource of the person, e.g. {@code Practitioner/dr-house}
 * @param roles FedFHIR roles, the token's {@code fedfhir_roles}
 * @param patient for a patient user: their own Patient id (standalone {@code launch/patient}); else null
 */
public record DirectoryUser(String username, String passwordHash, String fhirUser, List<Role> roles, String patient) {
  public DirectoryUser {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  @Override
  public String toString() {
    return "DirectoryUser[" + username + ", " + fhirUser + ", " + roles + "]";
  }
}
