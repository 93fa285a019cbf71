package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class TaskViewTest {
  private static final String CS = "http://fedfhir.org/fhir/CodeSystem/training-output";

  @Test
  void readsStatusRoundAndOutputsByCode() {
    Task t = new Task();
    t.setStatus(Task.TaskStatus.INPROGRESS);
    t.getBusinessStatus().setText("round 3 of 20");
    t.addOutput().setType(new CodeableConcept().addCoding(new Coding(CS, "round", null))).setValue(new IntegerType(3));
    t.addOutput().setType(new CodeableConcept().addCoding(new Coding(CS, "network-accuracy", null)))
        .setValue(new DecimalType(0.781));
    TaskView v = TaskView.of(t);
    assertThat(v.done()).isFalse();
    assertThat(v.round()).isEqualTo(3);
    assertThat(v.output("network-accuracy")).isEqualTo(0.781);
    assertThat(v.output("accuracy")).isNaN();
  }

  @Test
  void failedTaskIsDoneWithItsReason() {
    Task t = new Task();
    t.setStatus(Task.TaskStatus.FAILED);
    t.getStatusReason().setText("aggregator unreachable");
    TaskView v = TaskView.of(t);
    assertThat(v.done()).isTrue();
    assertThat(v.completed()).isFalse();
    assertThat(v.reason()).isEqualTo("aggregator unreachable");
  }

  @Test
  void logReasonIsTheLastRootCause() {
    assertThat(LogReason.of(List.of("12:00 INFO starting", "12:01 ERROR [main] boom",
        "Caused by: java.net.BindException: Address already in use", "\tat x")))
        .contains("java.net.BindException: Address already in use");
    assertThat(LogReason.of(List.of("12:00 INFO fine"))).isEmpty();
  }
}
