package org.fedfhir.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART resource scope (SMART App Launch 2.2, "Scopes for requesting clinical data"):
 * {@code context/ResourceType.permissions}, e.g. {@code patient/Observation.rs},
 * {@code user/*.cruds}, {@code system/*.rs}. Version-1 forms are read as the specification maps them:
 * {@code .read} = {@code .rs}, {@code .write} = {@code .cud}, {@code .*} = {@code .cruds}.
 * Query suffixes ({@code ?category=…}) narrow a v2 scope; FedFHIR does not grant on them, so a scope
 * that carries one is not parsed (it grants nothing).
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions) {

  /** Whose data the scope is about. */
  public enum Context {
    /** The patient in context only (the token's {@code patient}). */
    PATIENT,
    /** What the user may see. */
    USER,
    /** A backend system, no user. */
    SYSTEM
  }

  /** The v2 permissions, in their canonical order. */
  public enum Permission {
    CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

    final char letter;

    Permission(char letter) {
      this.letter = letter;
    }
  }

  private static final Pattern SCOPE =
      Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]{1,63})\\.(read|write|\\*|c?r?u?d?s?)");

  public SmartScope {
    if (permissions.isEmpty()) {
      throw new IllegalArgumentException("a SMART scope grants at least one permission");
    }
    permissions = Set.copyOf(permissions);
  }

  /** The scope {@code text} names, or empty if it is no resource scope ({@code openid}, {@code launch}…). */
  public static Optional<SmartScope> parse(String text) {
    Matcher m = SCOPE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    Context context = Context.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
    switch (m.group(3)) {
      case "read" -> permissions.addAll(EnumSet.of(Permission.READ, Permission.SEARCH));
      case "write" -> permissions.addAll(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
      case "*" -> permissions.addAll(EnumSet.allOf(Permission.class));
      default -> {
        for (char c : m.group(3).toCharArray()) {
          for (Permission p : Permission.values()) {
            if (p.letter == c) {
              permissions.add(p);
            }
          }
        }
      }
    }
    if (permissions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SmartScope(context, m.group(2), permissions));
  }

  /** Whether this scope allows {@code permission} on {@code type} in {@code context}. */
  public boolean allows(Context context, String type, Permission permission) {
    return this.context == context && ("*".equals(resourceType) || resourceType.equals(type))
        && permissions.contains(permission);
  }

  @Override
  public String toString() {
    StringBuilder p = new StringBuilder();
    for (Permission permission : Permission.values()) {
      if (permissions.contains(permission)) {
        p.append(permission.letter);
      }
    }
    return context.name().toLowerCase(Locale.ROOT) + "/" + resourceType + "." + p;
  }
}
