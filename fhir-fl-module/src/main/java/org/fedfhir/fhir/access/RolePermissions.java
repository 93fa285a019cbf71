package org.fedfhir.fhir.access;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.fedfhir.access.Role;
import org.fedfhir.access.SmartScope.Permission;

/**
 * What each role may do to each resource type at a hospital, whatever its token's scopes say: a
 * token's {@code user/…} or {@code system/…} scope grants a permission only where the caller's role
 * allows it too. Approving studies ({@code ResearchStudy}) and recording consent ({@code Consent})
 * belong to data stewards alone, so a researcher cannot approve their own study; nor does a
 * researcher read the site's Tasks, whose outputs are the site's exact cohort counts.
 */
public final class RolePermissions {

  static final Set<String> CLINICAL = Set.of("Patient", "Observation", "Condition", "Encounter", "Practitioner",
      "Organization", "RiskAssessment", "Provenance");
  private static final Set<Permission> READ = EnumSet.of(Permission.READ, Permission.SEARCH);
  private static final Set<Permission> WRITE = EnumSet.of(Permission.CREATE, Permission.UPDATE);
  private static final Set<Permission> ALL = EnumSet.allOf(Permission.class);

  private static final Map<Role, Map<String, Set<Permission>>> TABLE = Map.of(
      Role.CLINICIAN, Map.ofEntries(
          Map.entry("Patient", READ), Map.entry("Observation", READ), Map.entry("Condition", READ),
          Map.entry("Encounter", READ), Map.entry("Practitioner", READ), Map.entry("Provenance", READ),
          Map.entry("PlanDefinition", READ), Map.entry("Consent", READ), Map.entry("Group", READ),
          Map.entry("RiskAssessment", EnumSet.of(Permission.READ, Permission.SEARCH, Permission.CREATE))),
      Role.DATA_STEWARD, Map.of(
          "*", READ,
          "ResearchStudy", ALL,
          "Consent", ALL,
          "PlanDefinition", EnumSet.of(Permission.READ, Permission.SEARCH, Permission.CREATE, Permission.UPDATE)),
      // a site's Tasks carry its exact cohort counts: they stay with its data stewards, a researcher
      // learns the released results at the aggregator
      Role.RESEARCHER, Map.of(
          "PlanDefinition", EnumSet.of(Permission.READ, Permission.SEARCH, Permission.CREATE, Permission.UPDATE),
          "ResearchStudy", READ),
      // an integrator's system loads and exports the clinical record, never the governance of studies
      Role.INTEGRATOR, Map.of(
          "*", ALL,
          "ResearchStudy", Set.of(), "Consent", READ, "PlanDefinition", READ, "Task", Set.of(),
          "AuditEvent", Set.of(), "RiskAssessment", READ));

  private RolePermissions() {}

  /**
   * Whether {@code role} allows {@code permission} on {@code type}: the type's own entry if the role
   * names it, else the role's {@code *} entry ({@code type} {@code *}: that entry alone).
   */
  public static boolean allows(Role role, String type, Permission permission) {
    Map<String, Set<Permission>> byType = TABLE.getOrDefault(role, Map.of());
    return byType.getOrDefault(type, byType.getOrDefault("*", Set.of())).contains(permission);
  }

  /** The types {@code role} names explicitly ({@code *} included if it grants on every type). */
  static Set<String> types(Role role) {
    return TABLE.getOrDefault(role, Map.of()).keySet();
  }
}
