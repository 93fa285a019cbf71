package org.fedfhir.aggregator.round;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.SharesDelivery;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;

/**
 * TEST DOUBLE, NOT SECURE: a {@link SecureSum} that sums plaintext inputs (each element a double's
 * IEEE bits in {@code MaskedInput.words}). It has the real protocol's shape as the coordinator sees
 * it — ADVERTISE_KEYS, then MASKED_INPUT, abort below t — so the coordinator and the gRPC edge can
 * be tested before the secure-aggregation protocol is wired in.
 */
final class PlaintextSecureSum implements SecureSum {

  @Override
  public Round open(RoundSetup setup) {
    return new Round() {
      private Stage stage = Stage.ADVERTISE_KEYS;
      private final SortedSet<Integer> advertised = new TreeSet<>();
      private final Map<Integer, double[]> inputs = new TreeMap<>();

      @Override
      public Stage stage() {
        return stage;
      }

      @Override
      public void accept(int sender, SiteMessage message) {
        if (stage == Stage.ADVERTISE_KEYS) {
          advertised.add(sender);
        } else {
          var words = message.getMaskedInput().getWords().getValuesList();
          double[] v = new double[words.size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = Double.longBitsToDouble(words.get(i));
          }
          inputs.put(sender, v);
        }
      }

      @Override
      public Outcome closeStage() {
        if (stage == Stage.ADVERTISE_KEYS) {
          if (advertised.size() < setup.threshold()) {
            return new Aborted(advertised.size() + " sites advertised keys; threshold "
                + setup.threshold());
          }
          stage = Stage.MASKED_INPUT;
          Map<Integer, AggregatorMessage> requests = new TreeMap<>();
          for (int i : advertised) {
            requests.put(i, AggregatorMessage.newBuilder().setSharesDelivery(SharesDelivery.newBuilder()
                .setBinding(Binding.newBuilder().setStudyUrl(setup.studyUrl())
                    .setStudyVersion(setup.studyVersion()).setRound(setup.round())
                    .setStage(Stage.MASKED_INPUT))).build());
          }
          return new Next(Stage.MASKED_INPUT, requests);
        }
        stage = Stage.STAGE_UNSPECIFIED;
        if (inputs.size() < setup.threshold()) {
          return new Aborted(inputs.size() + " sites sent masked inputs; threshold "
              + setup.threshold());
        }
        double[] sum = new double[setup.vectorLength()];
        inputs.values().forEach(v -> {
          for (int i = 0; i < sum.length; i++) {
            sum[i] += v[i];
          }
        });
        return new Sum(sum, new TreeSet<>(inputs.keySet()));
      }
    };
  }
}
