package org.fedfhir.fhir.site;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.federation.StudyDigest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Task;

/**
 * A site's store in memory: its studies by id, the approved ones, its Tasks and AuditEvents. A
 * Task's end (completed or failed) and each AuditEvent can be awaited.
 */
final class InMemorySite implements SiteStudies, Approvals, Tasks, AuditTrail, StatisticsReleases {
  private final Map<String, PlanDefinition> studies = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> approved = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Task>> ended = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  final List<AuditEvent> audits = new CopyOnWriteArrayList<>();
  final CompletableFuture<AuditEvent> firstAudit = new CompletableFuture<>();

  /** Installs {@code study} under {@code id}. */
  InMemorySite install(String id, PlanDefinition study) {
    study.setId("PlanDefinition/" + id);
    studies.put(id, study);
    return this;
  }

  /** Installs {@code study} under {@code id}, approved by the data steward (its current study digest). */
  InMemorySite approve(String id, PlanDefinition study) {
    install(id, study);
    return approveAsItIsNow(id);
  }

  /** The data steward approves {@code PlanDefinition/{id}} as it is now: a new approval of its current digest. */
  InMemorySite approveAsItIsNow(String id) {
    return approveDigest(id, StudyDigest.sha256Hex(FhirContext.forR4Cached(), studies.get(id)));
  }

  /** An active approval of {@code PlanDefinition/{id}} naming {@code digest} (hex); null: an approval without one. */
  InMemorySite approveDigest(String id, String digest) {
    Set<String> digests = approved.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
    if (digest != null) {
      digests.add(digest);
    }
    return this;
  }

  @Override
  public Optional<PlanDefinition> byId(String planDefinitionId) {
    return Optional.ofNullable(studies.get(planDefinitionId));
  }

  @Override
  public ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
    Set<String> digests = approved.get(planDefinitionId);
    return digests == null ? ApprovalGate.ApprovedDigests.none()
        : new ApprovalGate.ApprovedDigests(digests.isEmpty() ? 1 : digests.size(), digests);
  }

  @Override
  public String create(Task task) {
    String id = Integer.toString(ids.incrementAndGet());
    Task stored = task.copy();
    stored.setId("Task/" + id);
    tasks.put(id, stored);
    ended.computeIfAbsent(id, k -> new CompletableFuture<>());
    return id;
  }

  @Override
  public synchronized void update(String taskId, Consumer<Task> change) {
    Task t = tasks.get(taskId).copy();
    change.accept(t);
    tasks.put(taskId, t);
    if (t.getStatus() == Task.TaskStatus.COMPLETED || t.getStatus() == Task.TaskStatus.FAILED) {
      ended.get(taskId).complete(t);
    }
  }

  @Override
  public void record(AuditEvent event) {
    audits.add(event);
    firstAudit.complete(event);
  }

  @Override
  public List<org.fedfhir.fhir.audit.SecureStatsAudit.Release> releases(String studyUrl) {
    return audits.stream().map(org.fedfhir.fhir.audit.SecureStatsAudit::releaseOf).flatMap(Optional::stream)
        .filter(r -> r.studyUrl().equals(studyUrl)).toList();
  }

  Task task(String id) {
    return tasks.get(id);
  }

  /** Completes with the Task once it has completed or failed. */
  CompletableFuture<Task> ended(String taskId) {
    return ended.get(taskId);
  }
}
