package org.fedfhir.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.r4.model.PositiveIntType;

/**
 * What the demo reads from a training {@code Task}: its status, progress text, failure reason and the
 * numeric outputs by their {@code training-output} code ({@code round}, {@code accuracy},
 * {@code network-accuracy} …).
 */
record TaskView(String status, String progress, String reason, Map<String, Double> outputs) {

  static TaskView of(Task t) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Task.TaskOutputComponent o : t.getOutput()) {
      String code = null;
      for (Coding c : o.getType().getCoding()) {
        if (StudyUrls.CS_TRAINING_OUTPUT.equals(c.getSystem()) || code == null) {
          code = c.getCode();
        }
      }
      if (code == null && o.getType().hasText()) {
        code = o.getType().getText();
      }
      Double v = number(o.getValue());
      if (code != null && v != null) {
        out.put(code, v);
      }
    }
    return new TaskView(t.getStatus() == null ? "unknown" : t.getStatus().toCode(),
        t.getBusinessStatus().getText(), t.getStatusReason().getText(), out);
  }

  private static Double number(org.hl7.fhir.r4.model.Type v) {
    if (v instanceof DecimalType d && d.getValue() != null) {
      return d.getValue().doubleValue();
    }
    if (v instanceof IntegerType i && i.getValue() != null) {
      return i.getValue().doubleValue();
    }
    if (v instanceof UnsignedIntType u && u.getValue() != null) {
      return u.getValue().doubleValue();
    }
    if (v instanceof PositiveIntType p && p.getValue() != null) {
      return p.getValue().doubleValue();
    }
    return null;
  }

  boolean done() {
    return status.equals("completed") || status.equals("failed") || status.equals("cancelled")
        || status.equals("rejected") || status.equals("entered-in-error");
  }

  boolean completed() {
    return status.equals("completed");
  }

  /** The round the Task shows, or 0. */
  int round() {
    Double r = outputs.get("round");
    return r == null ? 0 : r.intValue();
  }

  double output(String code) {
    Double v = outputs.get(code);
    return v == null ? Double.NaN : v;
  }
}
