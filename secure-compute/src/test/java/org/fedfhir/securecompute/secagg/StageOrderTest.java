package org.fedfhir.securecompute.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Walks every (stage, step) pair of both state machines: only the step of the current stage is allowed. */
class StageOrderTest {

  private static final Stage[] ALL = Stage.values();

  /** Reference messages of every stage, taken from a complete honest round of the same study. */
  private final SteppedRound reference = new SteppedRound(Parties.full(3, 4), 0).until(Stage.COMPLETED);

  @Test
  void siteRejectsEveryStepOutOfItsStage() {
    for (Stage at : ALL) {
      for (Map.Entry<Stage, Consumer<SteppedRound>> step : siteSteps().entrySet()) {
        SteppedRound round = siteAt(at);
        SiteRound site = round.sites.get(1);
        if (step.getKey() == at) {
          assertThatCode(() -> step.getValue().accept(round)).as("%s at %s", step.getKey(), at).doesNotThrowAnyException();
          assertThat(site.stage()).isEqualTo(at.next());
        } else {
          assertThatThrownBy(() -> step.getValue().accept(round)).as("%s at %s", step.getKey(), at)
              .isInstanceOf(StageViolationException.class);
          assertThat(site.stage()).as("unchanged after a rejected step").isEqualTo(at);
        }
      }
    }
  }

  @Test
  void aggregatorRejectsEveryMessageAndCloseOutOfItsStage() {
    for (Stage at : ALL) {
      for (Map.Entry<String, Consumer<SteppedRound>> step : aggregatorSteps().entrySet()) {
        SteppedRound round = aggregatorAt(at);
        boolean allowed = step.getKey().endsWith(at.code());
        if (allowed) {
          assertThatCode(() -> step.getValue().accept(round)).as("%s at %s", step.getKey(), at).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> step.getValue().accept(round)).as("%s at %s", step.getKey(), at)
              .isInstanceOf(StageViolationException.class);
          assertThat(round.aggregator.stage()).as("unchanged after a rejected step").isEqualTo(at);
        }
      }
    }
  }

  /** A fresh round of 3 sites whose site 1 is at {@code stage}; sites 2 and 3 keep up. */
  private static SteppedRound siteAt(Stage stage) {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 1);
    if (stage == Stage.ABORTED) {
      round.sites.get(1).advertiseKeys();
      assertThatThrownBy(() -> round.sites.get(1).shareKeys(new KeyRoster(round.id, 1, java.util.List.of())))
          .isInstanceOf(SecAggException.class);
      assertThat(round.sites.get(1).stage()).isEqualTo(Stage.ABORTED);
      return round.advertise(1);
    }
    return round.until(stage);
  }

  private static SteppedRound aggregatorAt(Stage stage) {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 1);
    if (stage == Stage.ABORTED) {
      round.sites.get(1).advertiseKeys();
      assertThatThrownBy(round.aggregator::closeAdvertising).isInstanceOf(RoundAbortedException.class);
      return round;
    }
    round.until(stage);
    assertThat(round.aggregator.stage()).isEqualTo(stage);
    return round;
  }

  private static Map<Stage, Consumer<SteppedRound>> siteSteps() {
    Map<Stage, Consumer<SteppedRound>> steps = new LinkedHashMap<>();
    steps.put(Stage.ADVERTISE_KEYS, r -> r.sites.get(1).advertiseKeys());
    steps.put(Stage.SHARE_KEYS, r -> r.sites.get(1).shareKeys(orDummy(r.rosters, r)));
    steps.put(Stage.MASKED_INPUT, r -> r.sites.get(1).maskedInput(
        r.bundles != null ? r.bundles.get(1) : new ShareBundle(r.id, 1, java.util.List.of()), r.inputs.get(1)));
    steps.put(Stage.CONSISTENCY_CHECK, r -> r.sites.get(1).consistencyCheck(
        r.survivorLists != null ? r.survivorLists.get(1) : new SurvivorList(r.id, 1, new java.util.TreeSet<>(java.util.Set.of(1, 2, 3)))));
    steps.put(Stage.UNMASK, r -> r.sites.get(1).unmask(r.consistencyBundles != null ? r.consistencyBundles.get(1)
        : new ConsistencyBundle(r.id, 1, new java.util.TreeSet<>(java.util.Set.of(1, 2, 3)), Map.of())));
    return steps;
  }

  private static KeyRoster orDummy(Map<Integer, KeyRoster> rosters, SteppedRound r) {
    return rosters != null ? rosters.get(1) : new KeyRoster(r.id, 1, java.util.List.of());
  }

  private Map<String, Consumer<SteppedRound>> aggregatorSteps() {
    Map<String, Consumer<SteppedRound>> steps = new LinkedHashMap<>();
    steps.put("receive " + Stage.ADVERTISE_KEYS.code(), r -> r.aggregator.receive(rebind(reference.advertised.get(1), r)));
    steps.put("close " + Stage.ADVERTISE_KEYS.code(), r -> closeOrRun(r, Stage.ADVERTISE_KEYS, () -> r.advertise(), () -> r.aggregator.closeAdvertising()));
    steps.put("receive " + Stage.SHARE_KEYS.code(), r -> r.aggregator.receive(rebind(reference.shareKeys.get(1), r)));
    steps.put("close " + Stage.SHARE_KEYS.code(), r -> closeOrRun(r, Stage.SHARE_KEYS, () -> r.share(), () -> r.aggregator.closeSharing()));
    steps.put("receive " + Stage.MASKED_INPUT.code(), r -> r.aggregator.receive(rebind(reference.maskedInputs.get(1), r)));
    steps.put("close " + Stage.MASKED_INPUT.code(), r -> closeOrRun(r, Stage.MASKED_INPUT, () -> r.mask(), () -> r.aggregator.closeMasking()));
    steps.put("receive " + Stage.CONSISTENCY_CHECK.code(), r -> r.aggregator.receive(rebind(reference.signatures.get(1), r)));
    steps.put("close " + Stage.CONSISTENCY_CHECK.code(), r -> closeOrRun(r, Stage.CONSISTENCY_CHECK, () -> r.check(), () -> r.aggregator.closeConsistency()));
    steps.put("receive " + Stage.UNMASK.code(), r -> r.aggregator.receive(rebind(reference.unmaskResponses.get(1), r)));
    steps.put("close " + Stage.UNMASK.code(), r -> closeOrRun(r, Stage.UNMASK, () -> r.unmask(), () -> r.aggregator.finish()));
    return steps;
  }

  /**
   * Site 1's message of {@code reference}'s stage: a genuine one from the round's own site 1 when the
   * aggregator is at that stage (so the allowed step is a valid message), otherwise the reference
   * round's message moved to this round, which the stage check must reject before anything else.
   */
  private static SiteMessage rebind(SiteMessage reference, SteppedRound r) {
    if (r.aggregator.stage() != reference.stage()) {
      return switchRound(reference, r.id);
    }
    SiteRound site = r.sites.get(1);
    switch (reference.stage()) {
      case ADVERTISE_KEYS:
        return site.advertiseKeys();
      case SHARE_KEYS:
        return site.shareKeys(r.rosters.get(1));
      case MASKED_INPUT:
        return site.maskedInput(r.bundles.get(1), r.inputs.get(1));
      case CONSISTENCY_CHECK:
        return site.consistencyCheck(r.survivorLists.get(1));
      default:
        return site.unmask(r.consistencyBundles.get(1));
    }
  }

  /** At its stage a close is exercised by a whole honest stage (all sites answer, then close). */
  private static void closeOrRun(SteppedRound r, Stage stage, Runnable wholeStage, Runnable closeOnly) {
    if (r.aggregator.stage() == stage) {
      wholeStage.run();
    } else {
      closeOnly.run();
    }
  }

  private static SiteMessage switchRound(SiteMessage m, RoundId id) {
    if (m instanceof AdvertiseKeys a) {
      return new AdvertiseKeys(id, a.sender(), a.encryptionKey(), a.maskingKey(), a.signature());
    } else if (m instanceof ShareKeys s) {
      return new ShareKeys(id, s.sender(), s.shares());
    } else if (m instanceof MaskedInput x) {
      return new MaskedInput(id, x.sender(), x.vector(), x.modulusBits());
    } else if (m instanceof ConsistencySignature c) {
      return new ConsistencySignature(id, c.sender(), c.signature());
    }
    UnmaskResponse u = (UnmaskResponse) m;
    return new UnmaskResponse(id, u.sender(), u.shares());
  }
}
