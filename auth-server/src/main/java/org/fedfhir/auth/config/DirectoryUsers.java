package org.fedfhir.auth.config;

import java.util.List;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.ClientKind;
import org.fedfhir.auth.directory.DirectoryClient;
import org.fedfhir.auth.directory.DirectoryUser;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/** Spring Security views of the directory: users who log in, and EHRs that may open launch contexts. */
final class DirectoryUsers {
  /** Authority of a confidential client registered with {@code launchIssuer: true}. */
  static final String LAUNCH_ISSUER = "LAUNCH_ISSUER";

  private DirectoryUsers() {}

  static UserDetailsService users(AuthDirectory directory) {
    return username -> directory.user(username).map(DirectoryUsers::details)
        .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
  }

  static UserDetailsService launchIssuers(AuthDirectory directory) {
    return clientId -> directory.client(clientId)
        .filter(c -> c.kind() == ClientKind.CONFIDENTIAL && c.launchIssuer())
        .map(DirectoryUsers::details)
        .orElseThrow(() -> new UsernameNotFoundException("not a launch issuer"));
  }

  private static UserDetails details(DirectoryUser u) {
    return User.withUsername(u.username()).password(u.passwordHash())
        .authorities(u.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.code())).toList())
        .build();
  }

  private static UserDetails details(DirectoryClient c) {
    return User.withUsername(c.clientId()).password(c.clientSecretHash())
        .authorities(List.of(new SimpleGrantedAuthority(LAUNCH_ISSUER))).build();
  }
}
