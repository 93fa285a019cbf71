package org.fedfhir.aggregator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.federation.v1.AdvertiseKeys;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.MaskedInput;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.federation.v1.Uint64Vector;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StudyRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stage barrier on plain objects: the plaintext protocol double, a manual timer, recording links. */
class StageBarrierTest {

  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/hd", "1");
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(100).build();
  private static final int ROUND = 2;
  private static final List<String> SITES = List.of("a", "b", "c");

  private final ManualTimer timer = new ManualTimer();
  private final Map<String, RecordingLink> links = new LinkedHashMap<>();
  private final List<SecureSum.Outcome> endings = new ArrayList<>();
  private StageBarrier barrier;

  /** A site's session that keeps what it was sent. */
  private static final class RecordingLink implements SiteLink {
    final String name;
    final List<AggregatorMessage> sent = new ArrayList<>();

    RecordingLink(String name) {
      this.name = name;
    }

    @Override
    public String siteName() {
      return name;
    }

    @Override
    public void send(AggregatorMessage message) {
      sent.add(message);
    }

    @Override
    public void refuse(ProtocolViolation violation) {}

    @Override
    public void close() {}

    boolean hasShares() {
      return sent.stream().anyMatch(AggregatorMessage::hasSharesDelivery);
    }
  }

  @BeforeEach
  void openRound() {
    List<Participant> participants = new ArrayList<>();
    for (int i = 0; i < SITES.size(); i++) {
      links.put(SITES.get(i), new RecordingLink(SITES.get(i)));
      participants.add(Participant.newBuilder().setIndex(i + 1).setSiteName(SITES.get(i)).build());
    }
    SecureSum.Round protocol = new PlaintextSecureSum().open(new SecureSum.RoundSetup(STUDY.url(),
        STUDY.version(), ROUND, participants, 2, 2, ENCODING));
    StageBarrier.Setting setting = new StageBarrier.Setting(STUDY, links::get, timer, Duration.ofSeconds(30),
        "the study needs", endings::add);
    barrier = new StageBarrier(setting, ROUND, SITES, protocol, ENCODING, 2);
    barrier.start(index -> AggregatorMessage.newBuilder()
        .setRoundStart(RoundStart.newBuilder().setYourIndex(index)).build());
  }

  private static Binding binding(Stage stage) {
    return Binding.newBuilder().setStudyUrl(STUDY.url()).setStudyVersion(STUDY.version()).setRound(ROUND)
        .setStage(stage).build();
  }

  private static SiteMessage advertise() {
    return SiteMessage.newBuilder().setAdvertiseKeys(AdvertiseKeys.newBuilder()
        .setBinding(binding(Stage.ADVERTISE_KEYS))).build();
  }

  private static SiteMessage maskedInput(double... values) {
    Uint64Vector.Builder words = Uint64Vector.newBuilder();
    for (double v : values) {
      words.addValues(Double.doubleToRawLongBits(v));
    }
    return SiteMessage.newBuilder().setMaskedInput(MaskedInput.newBuilder()
        .setBinding(binding(Stage.MASKED_INPUT)).setWords(words)).build();
  }

  private ProtocolViolation refusal(String site, SiteMessage message) {
    return catchThrowableOfType(() -> barrier.accept(site, message), ProtocolViolation.class);
  }

  @Test
  void everyParticipantIsSentItsRoundStartInIndexOrder() {
    assertThat(links.values()).allSatisfy(link -> assertThat(link.sent)
        .extracting(m -> m.getRoundStart().getYourIndex())
        .containsExactly(SITES.indexOf(link.name) + 1));
  }

  @Test
  void stageClosesOnlyWhenEveryExpectedParticipantAnswered() throws ProtocolViolation {
    barrier.accept("a", advertise());
    barrier.accept("b", advertise());
    assertThat(links.values()).noneMatch(RecordingLink::hasShares);

    barrier.accept("c", advertise());

    assertThat(links.values()).allMatch(RecordingLink::hasShares);
    assertThat(endings).isEmpty();
  }

  @Test
  void dropOfTheLastUnansweredParticipantClosesTheStageWithoutIt() throws ProtocolViolation {
    barrier.accept("a", advertise());
    barrier.accept("b", advertise());

    barrier.drop("c");

    assertThat(links.get("a").hasShares()).isTrue();
    assertThat(links.get("b").hasShares()).isTrue();
    assertThat(links.get("c").hasShares()).isFalse();
    assertThat(barrier.dropped()).containsExactly("c");
  }

  @Test
  void replayedAnswerIsRefusedAsReplay() throws ProtocolViolation {
    barrier.accept("a", advertise());

    ProtocolViolation v = refusal("a", advertise());

    assertThat(v.kind()).isEqualTo(Kind.REPLAY);
    assertThat(v).hasMessage("site 'a' already sent its ADVERTISE_KEYS message of round 2");
  }

  @Test
  void messageOfAnotherStageIsRefusedAsWrongStage() {
    ProtocolViolation v = refusal("a", maskedInput(1, 2));

    assertThat(v.kind()).isEqualTo(Kind.WRONG_STAGE);
    assertThat(v).hasMessage("MASKED_INPUT message bound to stage MASKED_INPUT; round 2 is at ADVERTISE_KEYS");
  }

  @Test
  void messageOfAnotherRoundOrStudyOrFromAnOutsiderIsRefusedWithItsKind() {
    SiteMessage late = SiteMessage.newBuilder().setAdvertiseKeys(AdvertiseKeys.newBuilder()
        .setBinding(binding(Stage.ADVERTISE_KEYS).toBuilder().setRound(1))).build();
    SiteMessage other = SiteMessage.newBuilder().setAdvertiseKeys(AdvertiseKeys.newBuilder()
        .setBinding(binding(Stage.ADVERTISE_KEYS).toBuilder().setStudyVersion("2"))).build();

    assertThat(refusal("a", late).kind()).isEqualTo(Kind.WRONG_ROUND);
    assertThat(refusal("a", other).kind()).isEqualTo(Kind.WRONG_STUDY);
    assertThat(refusal("z", advertise()).kind()).isEqualTo(Kind.NOT_A_PARTICIPANT);
  }

  @Test
  void deadlineDropsTheUnansweredAndClosesTheStage() throws ProtocolViolation {
    barrier.accept("a", advertise());
    barrier.accept("b", advertise());

    timer.expireAll();

    assertThat(barrier.dropped()).containsExactly("c");
    assertThat(links.get("a").hasShares()).isTrue();
    assertThat(links.get("c").hasShares()).isFalse();
    ProtocolViolation late = refusal("c", advertise());
    assertThat(late.kind()).isEqualTo(Kind.NOT_A_PARTICIPANT);
    assertThat(late).hasMessage("site 'c' is not a participant of round 2");
  }

  @Test
  void maskedInputOfTheWrongLengthIsRefusedWithBothLengths() throws ProtocolViolation {
    for (String site : SITES) {
      barrier.accept(site, advertise());
    }

    ProtocolViolation v = refusal("a", maskedInput(1, 2, 3));

    assertThat(v.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(v).hasMessage("masked input of 3 elements; the study needs 2");
  }

  @Test
  void lastStageEndsTheRoundWithTheSumOfItsContributors() throws ProtocolViolation {
    for (String site : SITES) {
      barrier.accept(site, advertise());
    }
    barrier.accept("a", maskedInput(1, 2));
    barrier.accept("b", maskedInput(3, 4));

    barrier.drop("c");

    assertThat(endings).singleElement().isInstanceOfSatisfying(SecureSum.Sum.class, sum -> {
      assertThat(sum.values()).containsExactly(4, 6);
      assertThat(sum.contributors()).containsExactly(1, 2);
    });
  }

  @Test
  void roundBelowThresholdAtItsDeadlineEndsAborted() throws ProtocolViolation {
    barrier.accept("a", advertise());

    timer.expireAll();

    assertThat(endings).singleElement().isInstanceOf(SecureSum.Aborted.class);
    assertThat(barrier.dropped()).containsExactlyInAnyOrder("b", "c");
    assertThat(links.values()).noneMatch(RecordingLink::hasShares);
  }
}
