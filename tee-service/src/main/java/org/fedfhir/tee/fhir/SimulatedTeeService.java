package org.fedfhir.tee.fhir;

import java.security.SecureRandom;
import java.time.Clock;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.securecompute.attestation.SimulatedAttester;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.tee.enclave.CodeMeasurement;
import org.fedfhir.tee.enclave.EnclaveModelService;

/**
 * The TEE model service with <b>simulated</b> evidence, as {@code ./fedfhir tee} and the benchmark
 * run it: a fresh Ed25519 platform key and a fresh HPKE enclave key per start, the measurement of
 * its own code in {@code simulated} mode. Verifiers must opt in to simulated evidence and should
 * pin {@link #platformPublicKey()} and {@link #measurement()}.
 */
public record SimulatedTeeService(TeeServer server, Measurement measurement, byte[] platformPublicKey)
    implements AutoCloseable {

  public SimulatedTeeService {
    platformPublicKey = platformPublicKey.clone();
  }

  @Override
  public byte[] platformPublicKey() {
    return platformPublicKey.clone();
  }

  /**
   * Starts on {@code host:port} (0 = a free port), with mutual TLS ({@code tls}), the default query
   * budgets and model store.
   */
  public static SimulatedTeeService start(String host, int port, org.fedfhir.access.TlsSettings tls,
      Object... interceptors) throws Exception {
    return start(host, port, tls, QueryBudgets.defaults(), EnclaveModelService.DEFAULT_MAX_MODELS, interceptors);
  }

  /** Starts on {@code host:port} (0 = a free port) with these budgets and at most {@code maxModels} studies. */
  public static SimulatedTeeService start(String host, int port, org.fedfhir.access.TlsSettings tls,
      QueryBudgets budgets, int maxModels, Object... interceptors) throws Exception {
    return start(host, port, 0, tls, budgets, maxModels, interceptors);
  }

  /** As above, with the lean prediction path on {@code leanPort} (0 = a free port, named in the CapabilityStatement). */
  public static SimulatedTeeService start(String host, int port, int leanPort, org.fedfhir.access.TlsSettings tls,
      QueryBudgets budgets, int maxModels, Object... interceptors) throws Exception {
    SecureRandom random = new SecureRandom();
    Ed25519.KeyPair platform = Ed25519.generate(random);
    Measurement measurement = CodeMeasurement.ofService(EvidenceFormat.SIMULATED);
    EnclaveModelService enclave = new EnclaveModelService(
        new SimulatedAttester(platform, measurement, Clock.systemUTC()), SealingKeyPair.generate(random), maxModels);
    return new SimulatedTeeService(TeeServer.start(enclave, host, port, leanPort, tls, budgets, interceptors),
        measurement,
        platform.publicKey());
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
