package org.fedfhir.fhir.access;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.Role;
import org.fedfhir.access.SmartScope;
import org.fedfhir.access.SmartScope.Context;
import org.fedfhir.access.SmartScope.Permission;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The hospital's one adapter from an access token to HAPI {@link AuthorizationInterceptor} rules
 * (HAPI's interceptor is not SMART-aware: scopes are mapped to rules here, nowhere else):
 *
 * <ul>
 *   <li>{@code patient/…} scopes: only the launch patient's compartment, for the patient themself or
 *       a clinician;
 *   <li>{@code user/…} scopes: what the scope and the user's role ({@link RolePermissions}) both allow;
 *   <li>{@code system/…} scopes: backend-service clients only, within their role; bulk {@code $export}
 *       only for an integrator's backend client with {@code system/*.rs};
 *   <li>{@code $infer}: {@code patient/RiskAssessment.c} with that patient in context, or
 *       {@code user/RiskAssessment.c} and the clinician role;
 *   <li>batch {@code $infer} ({@code Patient/$infer-batch}, a ward list): {@code user/RiskAssessment.c} and the
 *       clinician role, in a token without a launch patient (a patient-level token scores one patient);
 *       its Group and the Group's members must be readable by the caller ({@link #mayRead});
 *   <li>{@code $train}, the site's {@code $secure-stats} and {@code $clean-room}: the data-steward role;
 *   <li>the CapabilityStatement: anyone; everything else: refused (403, an {@code OperationOutcome}).
 * </ul>
 *
 * A request without a valid token is refused with 401 unless it reads the CapabilityStatement.
 */
public final class SmartRules extends AuthorizationInterceptor {

  /** The operations only a data steward may start. */
  static final List<String> STEWARD_OPERATIONS = List.of("$train", "$secure-stats", "$clean-room");

  private final Function<RequestDetails, Optional<Caller>> callers;

  /** @param callers the caller of a request, from its verified access token */
  public SmartRules(Function<RequestDetails, Optional<Caller>> callers) {
    super(PolicyEnum.DENY);
    this.callers = callers;
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    return rules(request, request.getRestOperationType());
  }

  /**
   * Whether the caller of {@code request} may read {@code resource} by their own token and role, as a
   * {@code GET} of it would be decided: for what an operation reads on the caller's behalf (the Group
   * of a ward list and its members), which the server itself may read whoever asks.
   */
  public boolean mayRead(RequestDetails request, IBaseResource resource) {
    AuthorizationInterceptor reads = new AuthorizationInterceptor(PolicyEnum.DENY) {
      @Override
      public List<IAuthRule> buildRuleList(RequestDetails r) {
        return rules(r, RestOperationTypeEnum.READ);
      }
    };
    return reads.applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null, resource.getIdElement(),
        resource, Pointcut.STORAGE_PRESHOW_RESOURCES).getDecision() == PolicyEnum.ALLOW;
  }

  private List<IAuthRule> rules(RequestDetails request, RestOperationTypeEnum type) {
    Optional<Caller> caller = callers.apply(request);
    caller.ifPresent(c -> Callers.set(request, c));
    RuleBuilder rules = new RuleBuilder();
    rules.allow("the CapabilityStatement is public").metadata().andThen();
    if (caller.isEmpty()) {
      if (type == RestOperationTypeEnum.METADATA) {
        return rules.build();
      }
      AuthenticationException e = new AuthenticationException(
          "authentication required: a bearer access token from this hospital's authorisation server");
      e.getResponseHeaders().put("WWW-Authenticate", List.of("Bearer realm=\"FedFHIR hospital\""));
      throw e;
    }
    Caller c = caller.get();
    Set<Permission> needed = needed(type);
    switch (c.kind()) {
      case USER -> {
        patientRules(c, needed, rules);
        scopedRules(c, Context.USER, needed, rules);
        operationRules(c, rules);
      }
      case BACKEND -> {
        scopedRules(c, Context.SYSTEM, needed, rules);
        if (c.hasRole(Role.INTEGRATOR) && c.allows(Context.SYSTEM, "*", Permission.READ)
            && c.allows(Context.SYSTEM, "*", Permission.SEARCH)) {
          rules.allow("bulk export for integrators' backend services").bulkExport().any().andThen();
          rules.allow("bulk export").operation().named("$export").atAnyLevel().andAllowAllResponses().andThen();
          rules.allow("bulk export status").operation().named("$export-poll-status").onServer()
              .andAllowAllResponses().andThen();
        }
      }
      case NETWORK_PARTY -> {
        // parties of the network never call a hospital: hospitals accept no inbound network calls
      }
    }
    if (type == RestOperationTypeEnum.TRANSACTION || type == RestOperationTypeEnum.BATCH) {
      rules.allow("transaction entries are checked one by one").transaction().withAnyOperation()
          .andApplyNormalRules().andThen();
    }
    return rules.denyAll("the caller's scopes and roles do not allow this request").build();
  }

  /** The permissions a request of this type needs; a transaction's entries need theirs each. */
  static Set<Permission> needed(RestOperationTypeEnum type) {
    if (type == null) {
      return EnumSet.noneOf(Permission.class);
    }
    return switch (type) {
      case READ, VREAD, HISTORY_INSTANCE -> EnumSet.of(Permission.READ);
      case SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_TYPE, HISTORY_SYSTEM, GET_PAGE -> EnumSet.of(Permission.SEARCH);
      case CREATE -> EnumSet.of(Permission.CREATE);
      case UPDATE -> EnumSet.of(Permission.UPDATE);
      case DELETE -> EnumSet.of(Permission.DELETE);
      case TRANSACTION, BATCH -> EnumSet.allOf(Permission.class);
      default -> EnumSet.noneOf(Permission.class);
    };
  }

  /**
   * {@code user/…} or {@code system/…} scopes, each within the caller's roles. A wildcard that a role
   * grants on every type but some (an integrator on governance resources) becomes: the types some
   * role names explicitly, then a refusal of the excepted types, then every type — HAPI applies the
   * first rule that matches.
   */
  private static void scopedRules(Caller c, Context context, Set<Permission> needed, RuleBuilder rules) {
    for (Permission p : needed) {
      Set<String> types = new LinkedHashSet<>();
      boolean everyType = false;
      Set<String> excepted = new LinkedHashSet<>();
      for (SmartScope s : c.resourceScopes()) {
        if (s.context() != context || !s.permissions().contains(p)) {
          continue;
        }
        for (Role role : c.roles()) {
          if (!"*".equals(s.resourceType())) {
            if (RolePermissions.allows(role, s.resourceType(), p)) {
              types.add(s.resourceType());
            }
            continue;
          }
          for (String t : RolePermissions.types(role)) {
            if ("*".equals(t)) {
              everyType |= RolePermissions.allows(role, "*", p);
            } else if (RolePermissions.allows(role, t, p)) {
              types.add(t);
            } else if (RolePermissions.allows(role, "*", p)) {
              excepted.add(t);
            }
          }
        }
      }
      for (String t : types) {
        on(rules, p, t + " by scope and role").resourcesOfType(t).withAnyId().andThen();
      }
      if (everyType) {
        excepted.removeAll(types);
        excepted.removeIf(t -> c.roles().stream().anyMatch(r -> RolePermissions.allows(r, t, p)));
        for (String t : excepted) {
          IAuthRuleBuilderRuleOp deny = switch (p) {
            case READ, SEARCH -> rules.deny(t + " is not the role's").read();
            case CREATE -> rules.deny(t + " is not the role's").create();
            case UPDATE -> rules.deny(t + " is not the role's").write();
            case DELETE -> rules.deny(t + " is not the role's").delete();
          };
          deny.resourcesOfType(t).withAnyId().andThen();
        }
        on(rules, p, "every other type by scope and role").allResources().withAnyId().andThen();
      }
    }
  }

  /** {@code patient/…} scopes: the launch patient's compartment, for that patient or a clinician. */
  private static void patientRules(Caller c, Set<Permission> needed, RuleBuilder rules) {
    if (c.patient().isEmpty() || !patientContextUsable(c)) {
      return;
    }
    IdType patient = new IdType("Patient", c.patient().get());
    for (Permission p : needed) {
      for (SmartScope s : c.resourceScopes()) {
        if (s.context() != Context.PATIENT || !s.permissions().contains(p)) {
          continue;
        }
        IAuthRuleBuilderRuleOp on = on(rules, p, "launch patient's compartment");
        ("*".equals(s.resourceType()) ? on.allResources() : on.resourcesOfType(s.resourceType()))
            .inCompartment("Patient", patient).andThen();
      }
    }
  }

  private static boolean patientContextUsable(Caller c) {
    return c.hasRole(Role.CLINICIAN) || c.subject().equals("Patient/" + c.patient().orElseThrow());
  }

  private static void operationRules(Caller c, RuleBuilder rules) {
    if (c.patient().isPresent() && patientContextUsable(c)
        && c.allows(Context.PATIENT, "RiskAssessment", Permission.CREATE)) {
      rules.allow("$infer for the launch patient").operation().named("$infer")
          .onInstance(new IdType("Patient", c.patient().get())).andAllowAllResponses().andThen();
    }
    if (c.hasRole(Role.CLINICIAN) && c.allows(Context.USER, "RiskAssessment", Permission.CREATE)) {
      rules.allow("$infer by a clinician").operation().named("$infer").onInstancesOfType(Patient.class)
          .andAllowAllResponses().andThen();
      if (c.patient().isEmpty()) {
        rules.allow("batch $infer by a clinician").operation().named("$infer-batch").onType(Patient.class)
            .andAllowAllResponses().andThen();
      }
    }
    if (c.hasRole(Role.DATA_STEWARD) && c.allows(Context.USER, "PlanDefinition", Permission.READ)) {
      for (String op : STEWARD_OPERATIONS) {
        rules.allow(op + " by a data steward").operation().named(op).onInstancesOfType(PlanDefinition.class)
            .andAllowAllResponses().andThen();
      }
    }
  }

  private static IAuthRuleBuilderRuleOp on(RuleBuilder rules, Permission p, String name) {
    return switch (p) {
      case READ, SEARCH -> rules.allow(name).read();
      case CREATE -> rules.allow(name).create();
      case UPDATE -> rules.allow(name).write();
      case DELETE -> rules.allow(name).delete();
    };
  }
}
