package org.fedfhir.aggregator.round;

import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.MaskedInput;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;

/** Reads the binding and stage of a site's protocol message, and the length of a masked vector. */
public final class MessageBindings {

  private MessageBindings() {}

  public static Binding of(SiteMessage m) throws ProtocolViolation {
    Binding b = switch (m.getBodyCase()) {
      case ADVERTISE_KEYS -> m.getAdvertiseKeys().getBinding();
      case SHARE_KEYS -> m.getShareKeys().getBinding();
      case MASKED_INPUT -> m.getMaskedInput().getBinding();
      case CONSISTENCY_CHECK -> m.getConsistencyCheck().getBinding();
      case UNMASK -> m.getUnmask().getBinding();
      default -> throw new ProtocolViolation(Kind.MALFORMED, "empty or unknown site message");
    };
    if (b.getStudyUrl().isEmpty() || b.getStage() == Stage.STAGE_UNSPECIFIED) {
      throw new ProtocolViolation(Kind.MALFORMED, "message has no binding (study, round, stage)");
    }
    return b;
  }

  public static Stage stageOf(SiteMessage m) {
    return switch (m.getBodyCase()) {
      case ADVERTISE_KEYS -> Stage.ADVERTISE_KEYS;
      case SHARE_KEYS -> Stage.SHARE_KEYS;
      case MASKED_INPUT -> Stage.MASKED_INPUT;
      case CONSISTENCY_CHECK -> Stage.CONSISTENCY_CHECK;
      case UNMASK -> Stage.UNMASK;
      default -> Stage.STAGE_UNSPECIFIED;
    };
  }

  /** Number of elements in a masked input, in either of its wire forms. */
  public static int vectorLength(MaskedInput in, FixedPointEncoding encoding) throws ProtocolViolation {
    return switch (in.getVectorCase()) {
      case WORDS -> in.getWords().getValuesCount();
      case PACKED -> {
        int width = (encoding.getModulusBits() + 7) / 8;
        if (width == 0 || in.getPacked().size() % width != 0) {
          throw new ProtocolViolation(Kind.MALFORMED, "packed masked input of " + in.getPacked().size()
              + " bytes is not a whole number of " + width + "-byte elements");
        }
        yield in.getPacked().size() / width;
      }
      default -> throw new ProtocolViolation(Kind.MALFORMED, "masked input has no vector");
    };
  }
}
