package org.fedfhir.aggregator.round;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Function;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.federation.ProtocolCodec;
import org.fedfhir.securecompute.encoding.FixedPointCodec;
import org.fedfhir.securecompute.secagg.AggregatorRound;
import org.fedfhir.securecompute.secagg.DuplicateMessageException;
import org.fedfhir.securecompute.secagg.ReplayedMessageException;
import org.fedfhir.securecompute.secagg.RoundAbortedException;
import org.fedfhir.securecompute.secagg.RoundId;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.SecAggException;
import org.fedfhir.securecompute.secagg.StageViolationException;
import org.fedfhir.securecompute.secagg.UnknownSiteException;

/**
 * {@link SecureSum} by the secure-aggregation protocol of Bonawitz et al. (CCS 2017), as
 * implemented by {@link AggregatorRound}: the aggregator learns the sum of the surviving sites'
 * fixed-point vectors, decoded to doubles, and nothing about any single one. The protocol's
 * rejections become {@link ProtocolViolation}s of the matching kind; its aborts become
 * {@link SecureSum.Aborted}.
 */
public final class SecAggSecureSum implements SecureSum {

  @Override
  public Round open(RoundSetup setup) {
    Map<Integer, byte[]> keys = new TreeMap<>();
    for (Participant p : setup.participants()) {
      keys.put(p.getIndex(), p.getSigningPublicKey().toByteArray());
    }
    FixedPointEncoding e = setup.encoding();
    SecAggConfig config = ProtocolCodec.config(setup.studyUrl(), setup.studyVersion(), setup.round(), keys,
        setup.threshold(), setup.neighbours(), setup.vectorLength(), e.getModulusBits());
    FixedPointCodec codec = FixedPointCodec.builder().modulusBits(e.getModulusBits())
        .fractionalBits(e.getFractionBits()).clip(e.getClip()).maxSites(keys.size()).build();
    RoundId id = new RoundId(config.study(), setup.round());
    return new ProtocolRound(new AggregatorRound(config, id), codec, setup.studyUrl(), setup.studyVersion());
  }

  private static final class ProtocolRound implements Round {
    private final AggregatorRound round;
    private final FixedPointCodec codec;
    private final String url;
    private final String version;

    ProtocolRound(AggregatorRound round, FixedPointCodec codec, String url, String version) {
      this.round = round;
      this.codec = codec;
      this.url = url;
      this.version = version;
    }

    @Override
    public Stage stage() {
      return ProtocolCodec.toProto(round.stage());
    }

    @Override
    public void accept(int sender, SiteMessage message) throws ProtocolViolation {
      try {
        round.receive(ProtocolCodec.fromProto(sender, message, codec.modulusBits()));
      } catch (ReplayedMessageException e) {
        throw new ProtocolViolation(Kind.WRONG_ROUND, e.getMessage());
      } catch (DuplicateMessageException e) {
        throw new ProtocolViolation(Kind.REPLAY, e.getMessage());
      } catch (StageViolationException e) {
        throw new ProtocolViolation(Kind.WRONG_STAGE, e.getMessage());
      } catch (UnknownSiteException e) {
        throw new ProtocolViolation(Kind.NOT_A_PARTICIPANT, e.getMessage());
      } catch (SecAggException | IllegalArgumentException e) {
        throw new ProtocolViolation(Kind.MALFORMED, e.getMessage());
      }
    }

    @Override
    public Outcome closeStage() {
      try {
        return switch (round.stage()) {
          case ADVERTISE_KEYS -> next(round.closeAdvertising(), r -> ProtocolCodec.toProto(r, url, version));
          case SHARE_KEYS -> next(round.closeSharing(), b -> ProtocolCodec.toProto(b, url, version));
          case MASKED_INPUT -> next(round.closeMasking(), l -> ProtocolCodec.toProto(l, url, version));
          case CONSISTENCY_CHECK -> next(round.closeConsistency(), b -> ProtocolCodec.toProto(b, url, version));
          case UNMASK -> sum();
          default -> new Aborted("round is " + round.stage().code());
        };
      } catch (RoundAbortedException e) {
        return new Aborted(e.getMessage());
      } catch (SecAggException e) {
        return new Aborted("secure aggregation failed: " + e.getMessage());
      }
    }

    private Outcome sum() {
      SortedSet<Integer> contributors = round.participants(org.fedfhir.securecompute.secagg.Stage.MASKED_INPUT);
      long[] sum = round.finish();
      return new Sum(codec.decode(sum), contributors);
    }

    private <T> Outcome next(Map<Integer, T> perSite, Function<T, AggregatorMessage> toProto) {
      Map<Integer, AggregatorMessage> requests = new TreeMap<>();
      perSite.forEach((site, value) -> requests.put(site, toProto.apply(value)));
      return new Next(ProtocolCodec.toProto(round.stage()), requests);
    }
  }
}
