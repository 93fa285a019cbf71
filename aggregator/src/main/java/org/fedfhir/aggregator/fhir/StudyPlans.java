package org.fedfhir.aggregator.fhir;

import java.util.HashMap;
import java.util.Map;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.federation.Strategy;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Type;

/**
 * Reads the parameters the aggregator needs from a study {@code PlanDefinition} already validated
 * against {@code FederatedStudy} (docs/study-format.md): strategy, rounds, min-sites, threshold,
 * server learning rate, FedProx μ, L2, and the model dimension from the number of features and the
 * strategy's model layout (docs/federation.md).
 */
public final class StudyPlans {

  static final String PARAMETER = "http://fedfhir.org/fhir/StructureDefinition/study-parameter";

  private StudyPlans() {}

  public static StudyPlan from(PlanDefinition study, String digest) {
    Map<String, Type> p = new HashMap<>();
    for (Extension e : study.getExtensionsByUrl(PARAMETER)) {
      Extension name = e.getExtensionByUrl("name");
      Extension value = e.getExtensionByUrl("value");
      if (name != null && value != null) {
        p.put(((PrimitiveType<?>) name.getValue()).getValueAsString(), value.getValue());
      }
    }
    Strategy strategy = Strategy.fromCode(string(p, "strategy", Strategy.FEDAVG.code()));
    int features = study.getActionFirstRep().getInput().size();
    return StudyPlan.training(new StudyRef(study.getUrl(), study.getVersion()), digest)
        .strategy(strategy)
        .rounds(integer(p, "rounds", 20))
        .minSites(integer(p, "min-sites", 3))
        .threshold(integer(p, "threshold", 0))
        .modelDimension(strategy.modelDimension(features))
        .serverLearningRate(decimal(p, "server-learning-rate", 0.1))
        .proximalMu(decimal(p, "proximal-mu", 0.01))
        .l2(decimal(p, "l2", 0.0))
        .build();
  }

  private static String string(Map<String, Type> p, String name, String otherwise) {
    Type t = p.get(name);
    return t == null ? otherwise : ((PrimitiveType<?>) t).getValueAsString();
  }

  private static int integer(Map<String, Type> p, String name, int otherwise) {
    Type t = p.get(name);
    return t == null ? otherwise : Integer.parseInt(((PrimitiveType<?>) t).getValueAsString());
  }

  private static double decimal(Map<String, Type> p, String name, double otherwise) {
    Type t = p.get(name);
    return t == null ? otherwise : Double.parseDouble(((PrimitiveType<?>) t).getValueAsString());
  }
}
