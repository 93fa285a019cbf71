package org.fedfhir.cli.bench;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.fedfhir.tee.model.LinearModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench tee}: starts the TEE model service (simulated evidence) in this JVM on
 * loopback, provisions a 10-feature logistic model and times {@code $predict} round trips through
 * {@link TeeClient} (seal, HTTP, open; attestation cached), beside the same prediction made locally.
 */
@Command(
    name = "tee",
    mixinStandardHelpOptions = true,
    description = "Latency of $predict through the TEE model service on loopback vs. the same prediction in the clear.")
public final class TeeBench implements Callable<Integer> {

  @Option(names = "--calls", defaultValue = "200", description = "Timed $predict calls. Default ${DEFAULT-VALUE}.")
  int calls;

  @Option(names = "--warmup", defaultValue = "100", description = "Untimed calls first (JIT). Default ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--features", defaultValue = "10", description = "Model size. Default ${DEFAULT-VALUE}.")
  int features;

  @Override
  public Integer call() throws Exception {
    if (calls < 1 || warmup < 0 || features < 1 || features > LinearModel.MAX_FEATURES) {
      System.err.println("need calls >= 1, warmup >= 0, 1 <= features <= " + LinearModel.MAX_FEATURES);
      return 2;
    }
    SplittableRandom data = new SplittableRandom(42);
    List<String> names = new ArrayList<>();
    double[] means = new double[features];
    double[] sds = new double[features];
    double[] weights = new double[features];
    for (int i = 0; i < features; i++) {
      names.add("f" + i);
      means[i] = data.nextDouble(-1, 1);
      sds[i] = data.nextDouble(0.5, 2);
      weights[i] = data.nextDouble(-1, 1);
    }
    LinearModel model = new LinearModel("http://fedfhir.org/fhir/PlanDefinition/bench", "1", names, means, sds, weights, 0.1);
    try (org.fedfhir.cli.tee.LocalTeeNetwork network = org.fedfhir.cli.tee.LocalTeeNetwork.start()) {
      SimulatedTeeService tee = network.tee();
      IGenericClient fhir = network.site();
      AttestationPolicy policy = AttestationPolicy.builder()
          .allowSimulatedEvidence(tee.platformPublicKey()).trustMeasurement(tee.measurement()).build();
      long t0 = System.nanoTime();
      String digest = new ModelProvisioner(network.aggregator(), new AttestationVerifier(policy), Clock.systemUTC())
          .provision(model).modelDigest();
      double provisionMillis = (System.nanoTime() - t0) / 1e6;
      TeeClient site = new TeeClient(fhir, new AttestationVerifier(policy), Clock.systemUTC(), new SecureRandom());

      double[][] patients = new double[warmup + calls][features];
      for (double[] p : patients) {
        for (int i = 0; i < features; i++) {
          p[i] = data.nextDouble(-3, 3);
        }
      }
      long a0 = System.nanoTime();
      double first = site.predict(model.study(), digest, names, patients[0]);
      double firstMillis = (System.nanoTime() - a0) / 1e6;
      double maxError = Math.abs(first - model.predict(patients[0]));
      for (int i = 1; i < warmup; i++) {
        site.predict(model.study(), digest, names, patients[i]);
      }
      double[] tee_ = new double[calls];
      double[] direct = new double[calls];
      long wall0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        double[] p = patients[warmup + i];
        long s = System.nanoTime();
        double viaTee = site.predict(model.study(), digest, names, p);
        tee_[i] = (System.nanoTime() - s) / 1e6;
        s = System.nanoTime();
        double local = model.predict(p);
        direct[i] = (System.nanoTime() - s) / 1e6;
        maxError = Math.max(maxError, Math.abs(viaTee - local));
      }
      double wallSeconds = (System.nanoTime() - wall0) / 1e9;
      Arrays.sort(tee_);
      Arrays.sort(direct);
      System.out.printf("TEE model service bench: %d features, %d timed $predict calls after %d warm-up, loopback,"
          + " simulated evidence%n", features, calls, warmup);
      System.out.printf("  provision (attest + seal + $provision-model):  %8.2f ms%n", provisionMillis);
      System.out.printf("  first $predict (incl. $attestation + verify):  %8.2f ms%n", firstMillis);
      System.out.printf("  $predict round trip   p50 %8.3f ms   p99 %8.3f ms   (%.0f calls/s, one caller)%n",
          pct(tee_, 50), pct(tee_, 99), calls / wallSeconds);
      System.out.printf("  local prediction      p50 %8.5f ms   p99 %8.5f ms%n", pct(direct, 50), pct(direct, 99));
      System.out.printf("  max |TEE - local| probability: %.3g%n", maxError);
    }
    return 0;
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
