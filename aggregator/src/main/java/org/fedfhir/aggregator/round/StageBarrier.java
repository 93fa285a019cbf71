package org.fedfhir.aggregator.round;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StudyRef;

/**
 * The stages of one round of secure aggregation ({@link SecureSum}, Bonawitz et al. 2017) as any
 * coordinator runs them: which participants a stage waits for, which answered and which dropped
 * out; each message checked against the round (participant, binding, stage, replay, vector length)
 * before the protocol sees it; the stage closed once every expected participant answered or
 * dropped, or at its deadline, when those that did not answer drop out. A closed stage leads to the
 * next one, whose requests go to the participants still connected, or to the round's end, which
 * the coordinator handles ({@link Setting#ending()}).
 *
 * <p>Not synchronised: a coordinator calls it under its own lock, and its {@link Setting#timer()}
 * runs deadlines under that lock too ({@link #underLock}). Sends may re-enter the coordinator on
 * the same thread (an answer, a refusal); the barrier then stops sending once its round has ended.
 */
public final class StageBarrier {

  /** What the coordinator does when a round ends. */
  @FunctionalInterface
  public interface Ending {

    /**
     * The round ended with {@code outcome}, a {@link SecureSum.Sum} or a {@link SecureSum.Aborted};
     * called while the round is still the coordinator's round in flight.
     */
    void ended(SecureSum.Outcome outcome);
  }

  /**
   * What every round of one coordinator shares.
   *
   * @param study the study each message must be bound to
   * @param links a site's open session by name, or null (the coordinator's live map)
   * @param timer schedules stage deadlines and runs them under the coordinator's lock
   * @param stageTimeout how long a stage waits for its answers
   * @param needs what a wrong-length refusal names as needing the length ("the study needs")
   * @param ending what the coordinator does when a round ends
   */
  public record Setting(StudyRef study, Function<String, SiteLink> links, StageTimer timer,
      Duration stageTimeout, String needs, Ending ending) {}

  private final Setting setting;
  private final int number;
  private final SecureSum.Round protocol;
  private final FixedPointEncoding encoding;
  private final int vectorLength;
  private final SortedMap<Integer, String> names = new TreeMap<>();
  private final Map<String, Integer> indices = new LinkedHashMap<>();
  private final Set<Integer> expected = new HashSet<>();
  private final Set<Integer> answered = new HashSet<>();
  private final Set<String> dropped = new HashSet<>();
  private StageTimer.Cancellable deadline;
  private boolean ended;

  /**
   * A round among {@code sites}, the participant of index i being {@code sites.get(i - 1)}.
   *
   * @param vectorLength the length of each masked input, in {@code encoding}
   */
  public StageBarrier(Setting setting, int number, List<String> sites, SecureSum.Round protocol,
      FixedPointEncoding encoding, int vectorLength) {
    this.setting = setting;
    this.number = number;
    this.protocol = protocol;
    this.encoding = encoding;
    this.vectorLength = vectorLength;
    for (int i = 0; i < sites.size(); i++) {
      names.put(i + 1, sites.get(i));
      indices.put(sites.get(i), i + 1);
    }
  }

  /** {@code timer}, running each task under {@code lock} (the coordinator's monitor). */
  public static StageTimer underLock(Object lock, StageTimer timer) {
    return (delay, task) -> timer.schedule(delay, () -> {
      synchronized (lock) {
        task.run();
      }
    });
  }

  /** The round's number (the binding's round). */
  public int number() {
    return number;
  }

  /** The participants' names by index, in index order. */
  public SortedMap<Integer, String> names() {
    return Collections.unmodifiableSortedMap(names);
  }

  /** The participants that dropped out so far. */
  public List<String> dropped() {
    return new ArrayList<>(dropped);
  }

  /**
   * Opens the first stage: every participant is expected, the deadline is armed, and each connected
   * participant is sent {@code roundStart} of its index, in index order, until the round ends.
   */
  public void start(IntFunction<AggregatorMessage> roundStart) {
    expected.addAll(names.keySet());
    armDeadline();
    for (Map.Entry<Integer, String> p : names.entrySet()) {
      if (ended) {
        return;
      }
      SiteLink link = setting.links().apply(p.getValue());
      if (link != null) {
        link.send(roundStart.apply(p.getKey()));
      }
    }
  }

  /**
   * Takes a participant's message of the current stage, and closes the stage if it was the last
   * one expected.
   *
   * @throws ProtocolViolation if {@code site} is not (or no longer) a participant, the message is
   *     bound to another study, round or stage, repeats the site's answer to this stage, carries a
   *     masked input of the wrong length, or the protocol rejects it
   */
  public void accept(String site, SiteMessage message) throws ProtocolViolation {
    Integer index = indices.get(site);
    if (index == null || dropped.contains(site)) {
      throw new ProtocolViolation(Kind.NOT_A_PARTICIPANT, "site '" + site
          + "' is not a participant of round " + number);
    }
    Binding b = MessageBindings.of(message);
    StudyRef study = setting.study();
    if (!b.getStudyUrl().equals(study.url()) || !b.getStudyVersion().equals(study.version())) {
      throw new ProtocolViolation(Kind.WRONG_STUDY, "message bound to study " + b.getStudyUrl() + "|"
          + b.getStudyVersion() + "; this session is for " + study);
    }
    if (b.getRound() != number) {
      throw new ProtocolViolation(Kind.WRONG_ROUND, "message bound to round " + b.getRound()
          + "; round " + number + " is in flight");
    }
    Stage stage = protocol.stage();
    if (b.getStage() != MessageBindings.stageOf(message) || b.getStage() != stage) {
      throw new ProtocolViolation(Kind.WRONG_STAGE, MessageBindings.stageOf(message)
          + " message bound to stage " + b.getStage() + "; round " + number + " is at " + stage);
    }
    if (answered.contains(index)) {
      throw new ProtocolViolation(Kind.REPLAY, "site '" + site + "' already sent its " + stage
          + " message of round " + number);
    }
    if (message.hasMaskedInput()) {
      int length = MessageBindings.vectorLength(message.getMaskedInput(), encoding);
      if (length != vectorLength) {
        throw new ProtocolViolation(Kind.MALFORMED, "masked input of " + length + " elements; "
            + setting.needs() + " " + vectorLength);
      }
    }
    protocol.accept(index, message);
    answered.add(index);
    if (answered.containsAll(expected)) {
      closeStage();
    }
  }

  /**
   * {@code site} dropped out (it left, or a message of it was refused): the stage no longer waits
   * for it, and closes if everyone else expected has answered. No effect on a site that is not a
   * participant or already dropped.
   */
  public void drop(String site) {
    if (!indices.containsKey(site) || !dropped.add(site)) {
      return;
    }
    expected.remove(indices.get(site));
    if (answered.containsAll(expected)) {
      closeStage();
    }
  }

  private void armDeadline() {
    Stage stage = protocol.stage();
    deadline = setting.timer().schedule(setting.stageTimeout(), () -> onDeadline(stage));
  }

  /** The deadline of {@code stage} passed: if it is still open, the unanswered drop out and it closes. */
  private void onDeadline(Stage stage) {
    if (ended || protocol.stage() != stage) {
      return;
    }
    for (Integer i : expected) {
      if (!answered.contains(i)) {
        dropped.add(names.get(i));
      }
    }
    closeStage();
  }

  private void closeStage() {
    if (deadline != null) {
      deadline.cancel();
    }
    SecureSum.Outcome outcome = protocol.closeStage();
    if (!(outcome instanceof SecureSum.Next next)) {
      ended = true;
      setting.ending().ended(outcome);
      return;
    }
    expected.clear();
    answered.clear();
    Map<Integer, SiteLink> targets = new TreeMap<>();
    next.requests().forEach((index, request) -> {
      SiteLink link = setting.links().apply(names.get(index));
      if (link != null && !dropped.contains(names.get(index))) {
        targets.put(index, link);
      }
    });
    // The whole expected set is fixed before the first send, so an answer that arrives while
    // sending (same-thread transports) cannot close the stage early.
    expected.addAll(targets.keySet());
    armDeadline();
    if (expected.isEmpty()) {
      closeStage();
      return;
    }
    targets.forEach((index, link) -> {
      if (!ended) {
        link.send(next.requests().get(index));
      }
    });
  }
}
