package org.fedfhir.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo network on loopback: which port each party gets and the {@code ./fedfhir} arguments that
 * start it (the same for a child JVM and for a context in the demo's JVM). Flags the current build
 * lacks ({@code aggregator --fhir-port}, {@code hospital --aggregator/--pki}) are left out, and the
 * demo says what that means instead of failing.
 *
 * @param federationFlags whether {@code hospital} has {@code --aggregator} and {@code --pki}
 * @param aggregatorFhirFlag whether {@code aggregator} has {@code --fhir-port}
 * @param authPorts each hospital's SMART authorisation server (FedFHIR's own, started beside it)
 */
public record Topology(List<String> centres, Map<String, Integer> hospitalPorts, int aggregatorGrpcPort,
    int aggregatorFhirPort, Path workDir, Path pkiDir, boolean federationFlags, boolean aggregatorFhirFlag,
    Map<String, Integer> authPorts) {

  public Topology {
    centres = List.copyOf(centres);
    hospitalPorts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hospitalPorts));
    authPorts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(authPorts));
    if (!hospitalPorts.keySet().containsAll(centres) || hospitalPorts.size() != centres.size()) {
      throw new IllegalArgumentException("ports " + hospitalPorts.keySet() + " do not match centres " + centres);
    }
    if (!authPorts.keySet().equals(hospitalPorts.keySet())) {
      throw new IllegalArgumentException("authorisation-server ports " + authPorts.keySet() + " do not match centres "
          + centres);
    }
    List<Integer> all = new ArrayList<>(hospitalPorts.values());
    all.addAll(authPorts.values());
    all.add(aggregatorGrpcPort);
    all.add(aggregatorFhirPort);
    for (int p : all) {
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("port " + p + " is outside 1..65535");
      }
    }
    if (all.stream().distinct().count() != all.size()) {
      throw new IllegalArgumentException("ports must be distinct: " + all);
    }
  }

  /** Picks free loopback ports for every party. */
  public static Topology onFreePorts(List<String> centres, Path workDir, boolean federationFlags,
      boolean aggregatorFhirFlag) {
    List<Integer> ports = FreePorts.loopback(2 * centres.size() + 2);
    Map<String, Integer> hospitals = new LinkedHashMap<>();
    Map<String, Integer> auth = new LinkedHashMap<>();
    for (int i = 0; i < centres.size(); i++) {
      hospitals.put(centres.get(i), ports.get(i));
      auth.put(centres.get(i), ports.get(centres.size() + 2 + i));
    }
    return new Topology(centres, hospitals, ports.get(centres.size()), ports.get(centres.size() + 1), workDir,
        workDir.resolve("pki"), federationFlags, aggregatorFhirFlag, auth);
  }

  public String hospitalBase(String centre) {
    return "http://localhost:" + hospitalPorts.get(centre) + "/fhir";
  }

  /** The aggregator's FHIR endpoint, or null when this build's aggregator has none. */
  public String aggregatorFhirBase() {
    return aggregatorFhirFlag ? "https://localhost:" + aggregatorFhirPort + "/fhir" : null;
  }

  /** The hospital's authorisation server (FedFHIR's own): its issuer URL. */
  public String hospitalIssuer(String centre) {
    return "http://localhost:" + authPorts.get(centre);
  }

  /** Where the hospital's accounts are made on its first start ({@code hospital --auth-dir}). */
  public Path hospitalAuthDir(String centre) {
    return workDir.resolve(centre).resolve("auth");
  }

  public List<String> hospitalArgs(String centre) {
    return hospitalArgs(centre, "localhost:" + aggregatorGrpcPort);
  }

  /** As {@link #hospitalArgs(String)}, reaching the aggregator at {@code aggregator} (host:port) instead. */
  public List<String> hospitalArgs(String centre, String aggregator) {
    List<String> a = new ArrayList<>(List.of("hospital", "--port", String.valueOf(hospitalPorts.get(centre)),
        "--name", centre, "--db", workDir.resolve(centre).resolve("fhir").toString(),
        "--auth-port", String.valueOf(authPorts.get(centre)), "--auth-dir", hospitalAuthDir(centre).toString()));
    if (federationFlags) {
      a.addAll(List.of("--aggregator", aggregator, "--pki", pkiDir.toString()));
    }
    return a;
  }

  /** The researcher's client certificate (OU=researcher) the demo publishes studies with. */
  public static final String RESEARCHER = "researcher";

  public List<String> aggregatorArgs() {
    List<String> a = new ArrayList<>(List.of("aggregator", "--port", String.valueOf(aggregatorGrpcPort),
        "--pki", pkiDir.toString(), "--db", workDir.resolve("aggregator").resolve("aggregator").toString()));
    if (aggregatorFhirFlag) {
      a.addAll(List.of("--fhir-port", String.valueOf(aggregatorFhirPort)));
    }
    return a;
  }
}
