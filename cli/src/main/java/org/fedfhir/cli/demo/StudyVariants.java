package org.fedfhir.cli.demo;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.fedfhir.federation.Strategy;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Type;

/**
 * The studies the demo publishes: the reference heart-disease study ({@code studies/heart-disease-lr.json}
 * of {@code fhir-fl-module}) for local training, and one variant per federated strategy with its own
 * id and canonical {@code url} and the study parameters {@code strategy}, {@code rounds},
 * {@code min-sites} (all four) and, for the SGD strategies, {@code local-epochs} per round.
 */
public final class StudyVariants {
  static final String REFERENCE_ID = "heart-disease-lr";
  /** Local epochs per round for the SGD-based strategies (the reference study's 30 are for local-only). */
  static final int LOCAL_EPOCHS_PER_ROUND = 5;
  /** Newton–Raphson converges in a few iterations; more rounds only repeat the optimum. */
  static final int NEWTON_MAX_ROUNDS = 8;

  private final PlanDefinition reference;

  public StudyVariants(FhirContext ctx) {
    this.reference = read(ctx);
  }

  /** A copy of the reference study (read once: the demo never rereads the jar while it runs). */
  public PlanDefinition reference() {
    PlanDefinition pd = reference.copy();
    pd.setId(REFERENCE_ID);
    return pd;
  }

  private static PlanDefinition read(FhirContext ctx) {
    try (InputStream in = StudyVariants.class.getResourceAsStream("/studies/" + REFERENCE_ID + ".json")) {
      if (in == null) {
        throw new IllegalStateException("missing resource /studies/" + REFERENCE_ID + ".json (fhir-fl-module)");
      }
      return ctx.newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The federated variant for {@code strategy} ({@code fedavg}, {@code fedadagrad}, {@code newton} …). */
  PlanDefinition federated(Strategy strategy, int rounds, int sites) {
    PlanDefinition pd = reference();
    String code = strategy.code();
    String id = REFERENCE_ID + "-" + code;
    pd.setId(id);
    pd.setUrl(StudyUrls.BASE + "/PlanDefinition/" + id);
    pd.setName("HeartDiseaseLr" + code.substring(0, 1).toUpperCase(Locale.ROOT) + code.substring(1));
    pd.setTitle(pd.getTitle() + ", federated (" + code + ")");
    setParameter(pd, "strategy", new CodeType(code));
    setParameter(pd, "rounds", new IntegerType(roundsFor(strategy, rounds)));
    setParameter(pd, "min-sites", new IntegerType(sites));
    if (strategy != Strategy.NEWTON) {
      setParameter(pd, "local-epochs", new IntegerType(LOCAL_EPOCHS_PER_ROUND));
    }
    return pd;
  }

  static int roundsFor(Strategy strategy, int rounds) {
    return strategy == Strategy.NEWTON ? Math.min(rounds, NEWTON_MAX_ROUNDS) : rounds;
  }

  /**
   * The data steward's approval: an active ResearchStudy whose protocol is the local PlanDefinition
   * and which names the study digest of exactly this content ({@link ApprovalGate}).
   */
  static ResearchStudy approval(PlanDefinition pd) {
    ResearchStudy rs = ApprovalGate.approving(FhirContext.forR4Cached(), pd);
    rs.setTitle("Local approval of " + pd.getUrl() + "|" + pd.getVersion());
    return rs;
  }

  /** Sets study parameter {@code name} of {@code pd} to {@code value}, replacing any it had. */
  public static void setParameter(PlanDefinition pd, String name, Type value) {
    pd.getExtension().removeIf(e -> StudyUrls.EXT_PARAMETER.equals(e.getUrl())
        && e.getExtensionByUrl("name") != null
        && name.equals(e.getExtensionByUrl("name").getValue().primitiveValue()));
    Extension p = pd.addExtension().setUrl(StudyUrls.EXT_PARAMETER);
    p.addExtension("name", new CodeType(name));
    p.addExtension("value", value);
  }
}
