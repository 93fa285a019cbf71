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

  /** Starts on {@code host:port} (0 = a free port). */
  public static SimulatedTeeService start(String host, int port, Object... interceptors) throws Exception {
    SecureRandom random = new SecureRandom();
    Ed25519.KeyPair platform = Ed25519.generate(random);
    Measurement measurement = CodeMeasurement.ofService(EvidenceFormat.SIMULATED);
    EnclaveModelService enclave = new EnclaveModelService(
        new SimulatedAttester(platform, measurement, Clock.systemUTC()), SealingKeyPair.generate(random));
    return new SimulatedTeeService(TeeServer.start(enclave, host, port, interceptors), measurement, platform.publicKey());
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
