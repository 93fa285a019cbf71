package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Logistic regression coefficients with standard errors, by exact federated Newton–Raphson: the
 * score {@code U(β) = Σ x_i (y_i − p_i)} and the Fisher information
 * {@code I(β) = Σ p_i (1 − p_i) x_i x_iᵀ} are sums over patients, hence over sites, so each
 * iteration is one secure-aggregation round of the sites' {@link #at(double[]) local parts} and
 * the step {@code β' = β + I⁻¹ U} is the same as on the pooled data (Newton/IRLS). At convergence
 * the standard errors are {@code sqrt(diag I(β̂)⁻¹)}.
 *
 * <p>The aggregator's {@code FederatedNewton} strategy does the same for training studies; both
 * solve with {@link InformationMatrix}.
 *
 * <p><b>Encoding</b> (site-local, per iteration): {@code [U (d), upper triangle of I (d(d+1)/2),
 * n, Σy]}, d = features + 1 (the intercept first). Features are clipped to their declared bounds;
 * records with a missing feature or an outcome other than 0/1 are left out.
 *
 * <p><b>Release</b>: nothing is released ({@link Step#released()} false) when n or either outcome
 * class (Σy, n − Σy) is sensitive under the disclosure policy, or when one class is empty (no
 * finite estimate). Before that, each site withholds its part when its own n or either class is
 * sensitive or it uses fewer than {@value #ROWS_PER_COEFFICIENT} rows per coefficient
 * ({@link #minimumRows()}, {@link SiteDisclosure}). Differential privacy is not offered.
 * {@link Fit} runs the iterations of one regression and renders its {@link Result}.
 */
public final class LogisticRegression {

  /** One patient: features in declared order (NaN if missing) and the outcome 0/1. */
  public record Row(double[] x, int y) {}

  /**
   * The state after one iteration.
   *
   * @param coefficients β' (intercept first), or the unchanged β if the release was refused
   * @param standardErrors sqrt(diag I(β)⁻¹) at the β the sites evaluated
   * @param n patients in the sums
   * @param change max |β' − β|
   * @param released false when n was below the minimum count (nothing else is then released)
   * @param sites how many sites the sums cover
   */
  public record Step(double[] coefficients, double[] standardErrors, long n, double change, boolean released,
      int sites) {}

  /** Newton stops when max |β' − β| falls below this. */
  public static final double TOLERANCE = 1e-8;
  /** Newton stops after this many iterations (converged or not). */
  public static final int MAX_ITERATIONS = 25;
  /** A site contributes a regression only when it uses at least this many rows per coefficient. */
  public static final int ROWS_PER_COEFFICIENT = 3;
  /** The name of the intercept among the {@link Result#terms()}. */
  public static final String INTERCEPT = "(intercept)";

  /**
   * A released regression.
   *
   * @param name the statistic's name
   * @param outcome the outcome variable
   * @param terms the intercept, then the features
   * @param coefficients one per term (empty if nothing was released)
   * @param standardErrors one per term (empty if nothing was released)
   * @param n patients in the final iteration's sums (empty if nothing was released)
   * @param sites sites in the final iteration's sum
   * @param iterations secure-aggregation rounds run for this regression
   * @param converged whether max |β' − β| fell below {@link #TOLERANCE}
   * @param suppressed why figures are masked (labels; empty if released)
   */
  public record Result(String name, String outcome, List<String> terms, double[] coefficients,
      double[] standardErrors, OptionalLong n, int sites, int iterations, boolean converged, List<String> suppressed) {
    public Result {
      terms = List.copyOf(terms);
      coefficients = coefficients.clone();
      standardErrors = standardErrors.clone();
      suppressed = List.copyOf(suppressed);
    }

    /** @return whether the coefficients were released */
    public boolean released() {
      return coefficients.length > 0;
    }

    @Override
    public double[] coefficients() {
      return coefficients.clone();
    }

    @Override
    public double[] standardErrors() {
      return standardErrors.clone();
    }

    /** @return the Wald statistic β_i / SE_i */
    public double z(int i) {
      return coefficients[i] / standardErrors[i];
    }

    /** @return the two-sided p-value of the Wald test of β_i = 0 */
    public double pValue(int i) {
      return 2 * Distributions.normalUpperTail(Math.abs(z(i)));
    }
  }

  private final String name;
  private final String outcome;
  private final List<String> features;
  private final double[] lower;
  private final double[] upper;

  /**
   * @param name the statistic's name
   * @param outcome the outcome variable (its values 0/1)
   * @param features feature names (the intercept is added)
   * @param lower per feature, the lower bound
   * @param upper per feature, the upper bound
   */
  public LogisticRegression(String name, String outcome, List<String> features, double[] lower, double[] upper) {
    this.name = Objects.requireNonNull(name, "name");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    if (features.isEmpty()) {
      throw new IllegalArgumentException(name + ": a logistic regression needs at least one covariate");
    }
    this.features = List.copyOf(features);
    if (lower.length != features.size() || upper.length != features.size()) {
      throw new IllegalArgumentException("one bound pair per feature");
    }
    for (int i = 0; i < lower.length; i++) {
      if (!(lower[i] < upper[i])) {
        throw new IllegalArgumentException("bounds of " + features.get(i) + " need lower < upper");
      }
    }
    this.lower = lower.clone();
    this.upper = upper.clone();
  }

  /** @return the statistic's name */
  public String name() {
    return name;
  }

  /** @return the outcome variable */
  public String outcome() {
    return outcome;
  }

  /** @return the covariates, in order */
  public List<String> features() {
    return features;
  }

  /** @return the intercept, then the covariates */
  public List<String> terms() {
    List<String> terms = new ArrayList<>();
    terms.add(INTERCEPT);
    terms.addAll(features);
    return terms;
  }

  /** @return d = features + 1 */
  public int dimension() {
    return features.size() + 1;
  }

  /** @return the fewest rows a site must use to contribute: {@value #ROWS_PER_COEFFICIENT} per coefficient */
  public int minimumRows() {
    return ROWS_PER_COEFFICIENT * dimension();
  }

  /** @return β = 0, the usual start */
  public double[] start() {
    return new double[dimension()];
  }

  /** The sufficient statistic of one Newton iteration evaluated at {@code beta}. */
  public SufficientStatistic<Row, Step> at(double[] beta) {
    if (beta.length != dimension()) {
      throw new IllegalArgumentException("beta has length " + beta.length + ", expected " + dimension());
    }
    return new Iteration(beta.clone());
  }

  private final class Iteration implements SufficientStatistic<Row, Step> {
    private final double[] beta;

    Iteration(double[] beta) {
      this.beta = beta;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int length() {
      int d = dimension();
      return d + d * (d + 1) / 2 + 2;
    }

    @Override
    public double maxAbsCoordinate(int maxRecordsPerSite) {
      double m = 1;
      for (int i = 0; i < lower.length; i++) {
        m = Math.max(m, Math.max(Math.abs(lower[i]), Math.abs(upper[i])));
      }
      return maxRecordsPerSite * Math.max(m, m * m / 4);
    }

    @Override
    public double[] encode(List<Row> records) {
      int d = dimension();
      double[] v = new double[length()];
      double[] x = new double[d];
      rows:
      for (Row r : records) {
        if (r.y() != 0 && r.y() != 1) {
          continue;
        }
        x[0] = 1;
        for (int i = 0; i < features.size(); i++) {
          double value = r.x()[i];
          if (Double.isNaN(value)) {
            continue rows;
          }
          x[i + 1] = Math.max(lower[i], Math.min(upper[i], value));
        }
        double eta = 0;
        for (int i = 0; i < d; i++) {
          eta += beta[i] * x[i];
        }
        double p = 1 / (1 + Math.exp(-eta));
        double w = p * (1 - p);
        int k = d;
        for (int i = 0; i < d; i++) {
          v[i] += x[i] * (r.y() - p);
          for (int j = i; j < d; j++) {
            v[k++] += w * x[i] * x[j];
          }
        }
        v[v.length - 2] += 1;
        v[v.length - 1] += r.y();
      }
      return v;
    }

    /** Layout: {@code [n, Σy, n − Σy]}, the rows used first. */
    @Override
    public long[] disclosedCounts(double[] siteVector) {
      if (siteVector.length != length()) {
        throw new IllegalArgumentException("vector has length " + siteVector.length + ", expected " + length());
      }
      long n = Math.round(siteVector[siteVector.length - 2]);
      long events = Math.round(siteVector[siteVector.length - 1]);
      return new long[] {n, events, n - events};
    }

    @Override
    public Step withheld(String reason, int sites) {
      return new Step(beta.clone(), new double[0], 0, 0, false, sites);
    }

    @Override
    public Step combine(double[] sum, Release release) {
      if (release.privacy().isPresent()) {
        throw new IllegalArgumentException(name + ": differential privacy is not offered for regression");
      }
      int d = dimension();
      long n = Math.round(sum[sum.length - 2]);
      long events = Math.round(sum[sum.length - 1]);
      DisclosurePolicy policy = release.policy();
      if (policy.isSensitive(n) || policy.isSensitive(events) || policy.isSensitive(n - events) || events == 0
          || events == n) {
        return new Step(beta.clone(), new double[0], n, 0, false, release.sites());
      }
      InformationMatrix info = InformationMatrix.fromUpperTriangle(sum, d, d, null,
          "separable data or a constant covariate");
      double[] step = info.solve(java.util.Arrays.copyOf(sum, d));
      double[] variances = info.inverseDiagonal();
      double[] next = new double[d];
      double change = 0;
      double[] se = new double[d];
      for (int i = 0; i < d; i++) {
        next[i] = beta[i] + step[i];
        change = Math.max(change, Math.abs(step[i]));
        se[i] = Math.sqrt(variances[i]);
      }
      return new Step(next, se, n, change, true, release.sites());
    }
  }

  /** @return a new fit, at β = 0 */
  public Fit fit() {
    return new Fit();
  }

  /**
   * The Newton iterations of one regression, one secure-aggregation round each: {@link #next()}
   * is what the sites evaluate (at the current β, which they are told), {@link #accept} takes
   * the round's sum, {@link #done()} says whether another round is needed. Not thread-safe.
   */
  public final class Fit {
    private double[] beta = start();
    private Step last;
    private int iterations;
    private String refusal;

    private Fit() {}

    /** @return the coefficients the next round evaluates at */
    public double[] coefficients() {
      return beta.clone();
    }

    /** @return the sufficient statistic of the next round, at {@link #coefficients()} */
    public SufficientStatistic<Row, Step> next() {
      return at(beta);
    }

    /**
     * Takes one round's sum: the Newton step, or the end of the fit if nothing may be released
     * or the information matrix is singular (separation, a constant covariate).
     */
    public void accept(double[] sum, Release release) {
      if (done()) {
        throw new IllegalStateException(name + ": the fit is over");
      }
      iterations++;
      try {
        Step step = next().combine(sum, release);
        last = step;
        if (!step.released()) {
          refusal = "n or an outcome class below the minimum count";
          return;
        }
        beta = step.coefficients();
      } catch (IllegalArgumentException e) {
        last = null;
        refusal = e.getMessage();
      }
    }

    /** Ends the fit without a release (a round of it aborted). */
    public void fail(String reason) {
      last = null;
      refusal = Objects.requireNonNull(reason, "reason");
    }

    /** @return whether no further round is needed: converged, refused, or out of iterations */
    public boolean done() {
      return refusal != null || iterations >= MAX_ITERATIONS || converged();
    }

    private boolean converged() {
      return last != null && last.released() && last.change() < TOLERANCE;
    }

    /** @return the result, once {@link #done()} */
    public Result result() {
      if (!done()) {
        throw new IllegalStateException(name + ": the fit needs another round");
      }
      int sites = last == null ? 0 : last.sites();
      if (refusal != null) {
        return new Result(name, outcome, terms(), new double[0], new double[0], OptionalLong.empty(), sites,
            iterations, false, List.of(refusal));
      }
      return new Result(name, outcome, terms(), last.coefficients(), last.standardErrors(),
          OptionalLong.of(last.n()), sites, iterations, converged(), List.of());
    }
  }
}
