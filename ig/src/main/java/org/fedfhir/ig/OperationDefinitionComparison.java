package org.fedfhir.ig;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares an OperationDefinition a server derives (for example from HAPI FHIR's {@code @Operation}
 * annotations, as served at {@code [base]/OperationDefinition/...} or in its CapabilityStatement) with
 * the guide's: the same parameters (name and use), with the same cardinalities and types, nested
 * parts included; and the same invocation (code, resource types, system / type / instance level,
 * whether it affects state, i.e. is POST only).
 *
 * <p>For tests of the servers:
 * <pre>{@code
 * OperationDefinition derived = client.read().resource(OperationDefinition.class).withId("PlanDefinition-i-train").execute();
 * OperationDefinitionComparison.assertMatchesGuide(FedFhirIg.load(), derived);
 * }</pre>
 */
public final class OperationDefinitionComparison {

  /** One way the server's definition departs from the guide's. */
  public record Difference(String where, String aspect, String expected, String actual) {
    @Override
    public String toString() {
      return where + ": " + aspect + " expected " + expected + " but was " + actual;
    }
  }

  private OperationDefinitionComparison() {}

  /** All differences of parameters and invocation; empty if {@code actual} agrees with {@code expected}. */
  public static List<Difference> compare(OperationDefinition expected, OperationDefinition actual) {
    List<Difference> differences = new ArrayList<>(compareInvocation(expected, actual));
    differences.addAll(compareParameters(expected, actual));
    return differences;
  }

  /** Differences of code, resource types, levels and affectsState. */
  public static List<Difference> compareInvocation(OperationDefinition expected, OperationDefinition actual) {
    List<Difference> differences = new ArrayList<>();
    String where = "$" + expected.getCode();
    check(differences, where, "code", stripDollar(expected.getCode()), stripDollar(actual.getCode()));
    check(differences, where, "resource", resources(expected), resources(actual));
    check(differences, where, "system", expected.getSystem(), actual.getSystem());
    check(differences, where, "type", expected.getType(), actual.getType());
    check(differences, where, "instance", expected.getInstance(), actual.getInstance());
    check(differences, where, "affectsState", expected.getAffectsState(), actual.getAffectsState());
    return differences;
  }

  /** Differences of parameters: missing, extra, use, min, max, type (recursively for parts). */
  public static List<Difference> compareParameters(OperationDefinition expected, OperationDefinition actual) {
    List<Difference> differences = new ArrayList<>();
    compareParameters(differences, "$" + expected.getCode(), expected.getParameter(), actual.getParameter());
    return differences;
  }

  /** Fails with every difference listed unless {@code actual} agrees with {@code expected}. */
  public static void assertMatches(OperationDefinition expected, OperationDefinition actual) {
    List<Difference> differences = compare(expected, actual);
    if (!differences.isEmpty()) {
      throw new AssertionError("OperationDefinition $" + expected.getCode() + " differs from "
          + (expected.hasUrl() ? expected.getUrl() : "the expected one") + ":\n  "
          + differences.stream().map(Difference::toString).collect(Collectors.joining("\n  ")));
    }
  }

  /** Like {@link #assertMatches} against the guide's OperationDefinition with the same code. */
  public static void assertMatchesGuide(FedFhirIg ig, OperationDefinition actual) {
    String code = stripDollar(actual.getCode());
    // by the canonical the server declares (two parties may answer the same code), else by code
    OperationDefinition expected = (actual.hasUrl() ? ig.operationDefinitionByUrl(actual.getUrl()) : java.util.Optional
        .<OperationDefinition>empty()).or(() -> ig.operationDefinition(code))
        .orElseThrow(() -> new AssertionError("The FedFHIR guide defines no operation $" + code));
    assertMatches(expected, actual);
  }

  private static void compareParameters(List<Difference> differences, String where,
      List<OperationDefinitionParameterComponent> expected, List<OperationDefinitionParameterComponent> actual) {
    Map<String, OperationDefinitionParameterComponent> expectedByKey = byKey(expected);
    Map<String, OperationDefinitionParameterComponent> actualByKey = byKey(actual);
    for (var entry : expectedByKey.entrySet()) {
      OperationDefinitionParameterComponent e = entry.getValue();
      OperationDefinitionParameterComponent a = actualByKey.get(entry.getKey());
      String at = where + " parameter " + entry.getKey();
      if (a == null) {
        differences.add(new Difference(at, "presence", "present", "missing"));
        continue;
      }
      check(differences, at, "min", e.getMin(), a.getMin());
      check(differences, at, "max", normaliseMax(e.getMax()), normaliseMax(a.getMax()));
      check(differences, at, "type", e.getType(), a.getType());
      if (e.hasPart() || a.hasPart()) {
        compareParameters(differences, at, e.getPart(), a.getPart());
      }
    }
    for (String key : actualByKey.keySet()) {
      if (!expectedByKey.containsKey(key)) {
        differences.add(new Difference(where + " parameter " + key, "presence", "absent", "present"));
      }
    }
  }

  /** Parameters keyed by "name (use)", so that an in and an out parameter of the same name are told apart. */
  private static Map<String, OperationDefinitionParameterComponent> byKey(List<OperationDefinitionParameterComponent> params) {
    Map<String, OperationDefinitionParameterComponent> map = new LinkedHashMap<>();
    for (OperationDefinitionParameterComponent p : params) {
      String use = p.hasUse() ? p.getUse().toCode() : "?";
      map.put(p.getName() + " (" + use + ")", p);
    }
    return map;
  }

  private static String normaliseMax(String max) {
    return max == null || max.isBlank() ? "1" : max.trim();
  }

  private static String stripDollar(String code) {
    return code == null ? null : code.startsWith("$") ? code.substring(1) : code;
  }

  private static Set<String> resources(OperationDefinition definition) {
    return definition.getResource().stream().map(CodeType::getValue).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void check(List<Difference> differences, String where, String aspect, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      differences.add(new Difference(where, aspect, String.valueOf(expected), String.valueOf(actual)));
    }
  }
}
