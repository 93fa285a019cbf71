package org.fedfhir.tee.fhir;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.fedfhir.access.TooManyRequestsException;

/**
 * How many predictions a site may ask of one study's model, and all sites together, per window
 * (24 hours by default): each window starts with the first query after the last one ended. A spent
 * budget is answered 429, saying which budget and when it resets. Budgets slow model extraction by
 * an authorised site; with rounded answers they make it costlier, they do not make it impossible.
 * In memory: a restart of the service starts every window afresh. Only predictions of a model the
 * enclave holds are charged (the caller checks), so the windows kept are bounded by the network's
 * sites times the studies held; ended windows are dropped. Thread-safe.
 */
public final class QueryBudgets {

  public static final int DEFAULT_PER_SITE = 10_000;
  public static final int DEFAULT_PER_STUDY = 100_000;

  private final int perSite;
  private final int perStudy;
  private final Duration window;
  private final Clock clock;
  private final Map<Key, Window> windows = new HashMap<>();

  /** A site's budget for a study ({@code site} set) or the study's over all sites ({@code site} null). */
  private record Key(String site, String study) {}

  private static final class Window {
    Instant ends;
    int used;
  }

  /** Ended windows are dropped once this many are kept. */
  private static final int PRUNE_ABOVE = 1024;

  public QueryBudgets(int perSite, int perStudy, Duration window, Clock clock) {
    if (perSite < 1 || perStudy < 1) {
      throw new IllegalArgumentException("budgets " + perSite + " per site, " + perStudy + " per study; need ≥ 1");
    }
    this.perSite = perSite;
    this.perStudy = perStudy;
    this.window = window;
    this.clock = clock;
  }

  /** The default budgets over 24 hours. */
  public static QueryBudgets defaults() {
    return new QueryBudgets(DEFAULT_PER_SITE, DEFAULT_PER_STUDY, Duration.ofHours(24), Clock.systemUTC());
  }

  /**
   * Charges one prediction of {@code study} to {@code site}.
   *
   * @throws TooManyRequestsException if the site's or the study's budget is spent (nothing is charged)
   */
  public void charge(String site, String study) {
    charge(site, study, 1);
  }

  /**
   * Charges {@code predictions} predictions of {@code study} to {@code site}, all or none.
   *
   * @throws TooManyRequestsException if they would overspend the site's or the study's budget (nothing
   *     is charged)
   */
  public synchronized void charge(String site, String study, int predictions) {
    if (predictions < 1) {
      throw new IllegalArgumentException("predictions " + predictions + "; need at least 1");
    }
    Instant now = clock.instant();
    if (windows.size() > PRUNE_ABOVE) {
      windows.values().removeIf(w -> !now.isBefore(w.ends));
    }
    Window s = current(new Key(site, study), now);
    Window all = current(new Key(null, study), now);
    if (s.used + predictions > perSite) {
      throw new TooManyRequestsException("this site's query budget for the study is spent (" + perSite
          + " predictions per " + window.toHours() + " h" + left(perSite - s.used, predictions) + "); it resets at "
          + s.ends);
    }
    if (all.used + predictions > perStudy) {
      throw new TooManyRequestsException("the study's query budget over all sites is spent (" + perStudy
          + " predictions per " + window.toHours() + " h" + left(perStudy - all.used, predictions)
          + "); it resets at " + all.ends);
    }
    s.used += predictions;
    all.used += predictions;
  }

  private static String left(int left, int asked) {
    return asked == 1 ? "" : "; " + left + " left, " + asked + " asked";
  }

  /** How many windows are kept (tests: bounded memory). */
  synchronized int windowsKept() {
    return windows.size();
  }

  private Window current(Key key, Instant now) {
    Window w = windows.computeIfAbsent(key, k -> new Window());
    if (w.ends == null || !now.isBefore(w.ends)) {
      w.ends = now.plus(window);
      w.used = 0;
    }
    return w;
  }
}
