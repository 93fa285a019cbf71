package org.fedfhir.fhir.site;

import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Task;

/** The Tasks that track this site's runs (DAO-backed in {@code plugin}). */
public interface Tasks {

  /** Stores a new Task; returns its logical id. */
  String create(Task task);

  /** Reads {@code Task/{taskId}}, applies {@code change} and stores the result. */
  void update(String taskId, Consumer<Task> change);
}
