package org.fedfhir.ig.tools;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Assembles, offline, the FHIR packages SUSHI needs into its local package cache
 * ({@code ~/.fhir/packages}, the layout of the FHIR NPM package cache), because the FHIR package
 * registry is not reachable from FedFHIR's build machines.
 *
 * <ul>
 *   <li>{@code hl7.fhir.r4.core#4.0.1}: the R4 conformance resources bundled with HAPI FHIR
 *       ({@link DefaultProfileValidationSupport#fetchAllConformanceResources()}), one
 *       {@code <Type>-<id>.json} per resource plus {@code package.json}.</li>
 *   <li>Empty placeholders for the packages SUSHI loads automatically for every R4 guide
 *       ({@code hl7.fhir.uv.tools.r4}, {@code hl7.terminology.r4}, {@code hl7.fhir.uv.extensions.r4}).
 *       {@code ig/sushi-config.yaml} pins them to the version {@value #PLACEHOLDER_VERSION}, SUSHI's
 *       documented way to override an automatic dependency; the guide uses nothing from them, and
 *       each placeholder's {@code package.json} says that it is empty and why.</li>
 * </ul>
 *
 * <p>A package already in the cache is left alone (a real one downloaded elsewhere wins).
 * Run by {@code ig/build.sh} and by the {@code ig} module's staleness check in {@code verify}.
 *
 * <p>Usage: {@code FhirPackageCacheAssembler [packagesDir]}; default {@code ~/.fhir/packages}.
 */
public final class FhirPackageCacheAssembler {

  /** The version {@code ig/sushi-config.yaml} pins SUSHI's automatic dependencies to. */
  public static final String PLACEHOLDER_VERSION = "0.0.0-fedfhir-offline";

  /** SUSHI's automatic dependencies for FHIR R4 (fsh-sushi 3.21.0, {@code AUTOMATIC_DEPENDENCIES}). */
  public static final List<String> AUTOMATIC_DEPENDENCIES =
      List.of("hl7.fhir.uv.tools.r4", "hl7.terminology.r4", "hl7.fhir.uv.extensions.r4");

  private static final String CORE = "hl7.fhir.r4.core#4.0.1";

  private FhirPackageCacheAssembler() {}

  public static void main(String[] args) throws IOException {
    Path cache = args.length > 0 ? Path.of(args[0]) : defaultCache();
    assemble(cache);
  }

  /** SUSHI's cache: {@code ~/.fhir/packages} (fhir-package-loader uses the user's home directory). */
  static Path defaultCache() {
    return Path.of(System.getProperty("user.home"), ".fhir", "packages");
  }

  /** Writes the missing packages into {@code cache}; returns the number of packages written. */
  public static int assemble(Path cache) throws IOException {
    int written = 0;
    if (!Files.exists(cache.resolve(CORE).resolve("package/package.json"))) {
      int count = writeCore(cache.resolve(CORE).resolve("package"));
      System.out.printf("FedFHIR: assembled %s with %d resources from HAPI FHIR's R4 definitions in %s%n",
          CORE, count, cache);
      written++;
    }
    for (String id : AUTOMATIC_DEPENDENCIES) {
      Path pkg = cache.resolve(id + "#" + PLACEHOLDER_VERSION).resolve("package");
      if (!Files.exists(pkg.resolve("package.json"))) {
        Files.createDirectories(pkg);
        write(pkg.resolve("package.json"), """
            {
              "name": "%s",
              "version": "%s",
              "description": "EMPTY placeholder written by FedFHIR's ig build (FhirPackageCacheAssembler) because the FHIR package registry is not reachable. It holds no resources; the FedFHIR guide uses none from this package. Pinning it in sushi-config.yaml is SUSHI's documented way to override an automatic dependency.",
              "fhirVersions": ["4.0.1"],
              "dependencies": {"hl7.fhir.r4.core": "4.0.1"},
              "author": "FedFHIR build (placeholder)"
            }
            """.formatted(id, PLACEHOLDER_VERSION));
        written++;
      }
    }
    return written;
  }

  private static int writeCore(Path dir) throws IOException {
    FhirContext ctx = FhirContext.forR4Cached();
    DefaultProfileValidationSupport support = new DefaultProfileValidationSupport(ctx);
    // The bundle strategy loads lazily: touch each kind so that fetchAllConformanceResources() has them all.
    support.fetchAllStructureDefinitions();
    support.fetchCodeSystem("http://hl7.org/fhir/administrative-gender");
    support.fetchValueSet("http://hl7.org/fhir/ValueSet/administrative-gender");
    List<IBaseResource> resources = support.fetchAllConformanceResources();
    Path tmp = dir.resolveSibling("package.tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    IParser parser = ctx.newJsonParser();
    Set<String> names = new HashSet<>();
    int count = 0;
    for (IBaseResource resource : resources) {
      String type = ctx.getResourceType(resource);
      String id = resource.getIdElement().getIdPart();
      if (id == null) {
        String url = ctx.newTerser().getSinglePrimitiveValueOrNull(resource, "url");
        if (url == null) {
          continue;
        }
        id = url.substring(url.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9\\-.]", "-");
        resource.setId(id);
      }
      String name = type + "-" + id + ".json";
      if (!names.add(name)) {
        continue;
      }
      write(tmp.resolve(name), parser.encodeResourceToString(resource));
      count++;
    }
    write(tmp.resolve("package.json"), """
        {
          "name": "hl7.fhir.r4.core",
          "version": "4.0.1",
          "description": "FHIR R4 core definitions, assembled offline by FedFHIR's ig build from HAPI FHIR's bundled R4 conformance resources (hapi-fhir-validation-resources-r4 / DefaultProfileValidationSupport).",
          "type": "Core",
          "fhirVersions": ["4.0.1"],
          "canonical": "http://hl7.org/fhir",
          "url": "http://hl7.org/fhir/R4",
          "dependencies": {}
        }
        """);
    deleteRecursively(dir);
    Files.createDirectories(dir.getParent());
    Files.move(tmp, dir);
    return count;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
