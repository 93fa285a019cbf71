package org.fedfhir.tee.enclave;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;
import org.fedfhir.securecompute.attestation.Measurement;

/**
 * The TEE model service's measurement for {@code simulated} evidence: SHA-384 over its own code
 * (the jar, or every file of a classes directory, by sorted relative path) and its configuration.
 * Inside a Nitro enclave PCR0 plays this role and covers the whole enclave image.
 *
 * <p>Encoding hashed: {@code "fedfhir/tee-measurement/v1"}, then per code location each file as
 * (u32 path length, path, u64 content length, content), then (u32 length, configuration bytes).
 */
public final class CodeMeasurement {

  private CodeMeasurement() {}

  /** Measures the given code locations (jars or class directories) and configuration. */
  public static Measurement of(List<Path> codeLocations, byte[] configuration) {
    try {
      MessageDigest sha384 = MessageDigest.getInstance("SHA-384");
      sha384.update("fedfhir/tee-measurement/v1".getBytes(StandardCharsets.US_ASCII));
      for (Path location : codeLocations) {
        if (Files.isDirectory(location)) {
          List<Path> files;
          try (Stream<Path> walk = Files.walk(location)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path file : files) {
            update(sha384, location.relativize(file).toString().replace('\\', '/'), file);
          }
        } else {
          update(sha384, location.getFileName().toString(), location);
        }
      }
      sha384.update(intBytes(configuration.length));
      sha384.update(configuration);
      return Measurement.of(sha384.digest());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the service's code to measure it: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The code location (jar or classes directory) a class was loaded from. */
  public static Path codeLocationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the code of " + type.getName(), e);
    }
  }

  /**
   * The measurement of FedFHIR's TEE code (this module and the sealing/attestation library) in the
   * given evidence mode: the configuration measured is {@code "evidence=<format code>\n"} (host and
   * port are not measured: they do not change what the enclave does with secrets).
   */
  public static Measurement ofService(org.fedfhir.securecompute.attestation.EvidenceFormat evidence) {
    return ofService(("evidence=" + evidence.code() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The measurement of FedFHIR's TEE code plus {@code configuration}: this module, the
   * sealing/attestation library, and what the clean room runs besides: the study parser, the guide's
   * study digest and the Chicory WebAssembly interpreter (runtime and parser).
   */
  public static Measurement ofService(byte[] configuration) {
    return of(List.of(codeLocationOf(EnclaveModelService.class),
        codeLocationOf(org.fedfhir.securecompute.sealing.Hpke.class),
        codeLocationOf(org.fedfhir.study.StudyParser.class),
        codeLocationOf(org.fedfhir.ig.StudyDigest.class),
        codeLocationOf(com.dylibso.chicory.runtime.Instance.class),
        codeLocationOf(com.dylibso.chicory.wasm.Parser.class)).stream().distinct().toList(), configuration);
  }

  private static void update(MessageDigest digest, String name, Path file) throws IOException {
    byte[] path = name.getBytes(StandardCharsets.UTF_8);
    digest.update(intBytes(path.length));
    digest.update(path);
    digest.update(java.nio.ByteBuffer.allocate(8).putLong(Files.size(file)).array());
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
  }

  private static byte[] intBytes(int v) {
    return java.nio.ByteBuffer.allocate(4).putInt(v).array();
  }
}
