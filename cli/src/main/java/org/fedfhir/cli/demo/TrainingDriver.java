package org.fedfhir.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Task;

/**
 * Drives training over FHIR REST exactly as an integrator would: publish the study ({@code PUT}),
 * approve it ({@code POST ResearchStudy}), {@code POST PlanDefinition/{id}/$train}, then follow each
 * site's {@code Task} until it ends. Reads only what the Tasks show: per-site test accuracy and, for
 * federated runs, the round and the securely aggregated network accuracy.
 */
final class TrainingDriver {
  private static final long POLL_MS = 100;

  private final FhirHttp http;
  private final Topology topology;
  private final SiteIdentities identities;
  private final PrintStream console;

  TrainingDriver(FhirHttp http, Topology topology, SiteIdentities identities, PrintStream console) {
    this.http = http;
    this.topology = topology;
    this.identities = identities;
    this.console = console;
  }

  /** What a run left: the result and each site's last Task view. */
  record Run(StrategyResult result, Map<String, TaskView> tasks) {}

  /** Publishes {@code pd} at every hospital and approves it there; returns each refusal by site. */
  Map<String, String> publishAndApprove(PlanDefinition pd) {
    Map<String, CompletableFuture<String>> calls = new LinkedHashMap<>();
    for (String c : topology.centres()) {
      String base = topology.hospitalBase(c);
      calls.put(c, CompletableFuture.supplyAsync(() -> {
        // the researcher installs the study; the site's data steward approves it
        FhirHttp.Answer put = http.as(identities.researcher(c)).put(base, pd);
        if (!put.ok()) {
          return "PUT PlanDefinition/" + pd.getIdElement().getIdPart() + ": " + http.describe(put);
        }
        FhirHttp.Answer approve = http.as(identities.steward(c)).post(base + "/ResearchStudy",
            StudyVariants.approval(pd));
        return approve.ok() ? null : "POST ResearchStudy: " + http.describe(approve);
      }));
    }
    Map<String, String> refusals = new LinkedHashMap<>();
    calls.forEach((c, f) -> {
      String r = f.join();
      if (r != null) {
        refusals.put(c, r);
      }
    });
    return refusals;
  }

  /** Starts {@code $train} with {@code mode} at every hospital; returns Task URLs, or the refusals. */
  Map<String, String> startTraining(String planDefinitionId, String mode, Map<String, String> refusals) {
    Parameters in = new Parameters();
    in.addParameter().setName("mode").setValue(new CodeType(mode));
    Map<String, CompletableFuture<FhirHttp.Answer>> calls = new LinkedHashMap<>();
    for (String c : topology.centres()) {
      String url = topology.hospitalBase(c) + "/PlanDefinition/" + planDefinitionId + "/$train";
      calls.put(c, CompletableFuture.supplyAsync(() -> http.as(identities.steward(c)).post(url, in)));
    }
    Map<String, String> tasks = new LinkedHashMap<>();
    calls.forEach((c, f) -> {
      FhirHttp.Answer a = f.join();
      if (a.status() == 202 && a.location() != null) {
        tasks.put(c, a.location());
      } else if (a.status() == 202 && a.body() != null && a.body().contains("\"Task\"")) {
        tasks.put(c, topology.hospitalBase(c) + "/Task/" + http.parse(Task.class, a.body()).getIdElement().getIdPart());
      } else {
        refusals.put(c, http.describe(a));
      }
    });
    return tasks;
  }

  /** {@code $train mode=local} at every hospital. */
  Run local(PlanDefinition pd, Duration timeout) {
    String name = "local only";
    Map<String, String> refusals = new LinkedHashMap<>();
    Map<String, String> taskUrls = startTraining(pd.getIdElement().getIdPart(), "local", refusals);
    if (!refusals.isEmpty()) {
      return new Run(StrategyResult.notRun(name, "local", false, "$train mode=local refused: " + refusals), Map.of());
    }
    Map<String, TaskView> last = follow(taskUrls, timeout, null, 0);
    return new Run(result(name, "local", false, last, List.of()), last);
  }

  /** One federated strategy: {@code $train mode=federated} at every hospital, progress per round. */
  Run federated(String name, String code, PlanDefinition pd, int rounds, Duration timeout) {
    Map<String, String> refusals = new LinkedHashMap<>();
    Map<String, String> taskUrls = startTraining(pd.getIdElement().getIdPart(), "federated", refusals);
    if (!refusals.isEmpty()) {
      String reason = "federated training is not available: " + describe(refusals)
          + (taskUrls.isEmpty() ? "" : " (accepted by " + String.join(", ", taskUrls.keySet()) + ")");
      return new Run(StrategyResult.notRun(name, code, true, reason), Map.of());
    }
    List<StrategyResult.RoundPoint> curve = new ArrayList<>();
    Map<String, TaskView> last = follow(taskUrls, timeout, new Progress(name, rounds, curve), rounds);
    return new Run(result(name, code, true, last, curve), last);
  }

  /** The hospitals that accepted a call, and why the others refused. */
  record SiteCalls(List<String> accepted, Map<String, String> refused) {
    /** {@code "  <what>: a, b; refused: c answered …"}. */
    String line(String what) {
      return "  " + what + ": " + String.join(", ", accepted) + (refused.isEmpty() ? "" : "; refused: " + describe(refused));
    }
  }

  /**
   * {@code POST [site]/PlanDefinition/{studyId}/{operation}} at every hospital at once, each by the
   * site's data steward (as {@code $secure-stats} and {@code $clean-room} are started).
   */
  SiteCalls stewardsPost(String studyId, String operation) {
    Map<String, CompletableFuture<FhirHttp.Answer>> calls = new LinkedHashMap<>();
    for (String c : topology.centres()) {
      String url = topology.hospitalBase(c) + "/PlanDefinition/" + studyId + "/" + operation;
      calls.put(c, CompletableFuture.supplyAsync(() -> http.as(identities.steward(c)).post(url, new Parameters())));
    }
    List<String> accepted = new ArrayList<>();
    Map<String, String> refused = new LinkedHashMap<>();
    calls.forEach((c, f) -> {
      FhirHttp.Answer a = f.join();
      if (a.ok()) {
        accepted.add(c);
      } else {
        refused.put(c, http.describe(a));
      }
    });
    return new SiteCalls(accepted, refused);
  }

  static String describe(Map<String, String> bySite) {
    List<String> parts = new ArrayList<>();
    bySite.forEach((site, why) -> parts.add(site + " answered " + why));
    return String.join("; ", parts);
  }

  /** Prints one line per round as the Tasks advance, and records the curve. */
  private final class Progress {
    final String name;
    final int rounds;
    final List<StrategyResult.RoundPoint> curve;
    int printed;

    Progress(String name, int rounds, List<StrategyResult.RoundPoint> curve) {
      this.name = name;
      this.rounds = rounds;
      this.curve = curve;
    }

    void see(Map<String, TaskView> views) {
      int highest = views.values().stream().mapToInt(TaskView::round).max().orElse(0);
      for (int r = printed + 1; r <= highest; r++) {
        double acc = Double.NaN;
        for (TaskView v : views.values()) {
          if (v.round() == r && !Double.isNaN(v.output("network-accuracy"))) {
            acc = v.output("network-accuracy");
          }
        }
        curve.add(new StrategyResult.RoundPoint(r, acc));
        console.printf(Locale.ROOT, "  %-12s round %3d/%-3d network accuracy %s%n", name, r, rounds,
            Double.isNaN(acc) ? "—" : String.format(Locale.ROOT, "%.3f", acc));
      }
      printed = Math.max(printed, highest);
    }

    /** The final model's network accuracy belongs to the last round when the Tasks end. */
    void finish(Map<String, TaskView> views) {
      see(views);
      double fin = views.values().stream().mapToDouble(v -> v.output("network-accuracy"))
          .filter(d -> !Double.isNaN(d)).findFirst().orElse(Double.NaN);
      if (!Double.isNaN(fin) && !curve.isEmpty() && Double.isNaN(curve.get(curve.size() - 1).networkAccuracy())) {
        int r = curve.get(curve.size() - 1).round();
        curve.set(curve.size() - 1, new StrategyResult.RoundPoint(r, fin));
        console.printf(Locale.ROOT, "  %-12s final model network accuracy %.3f (the Tasks show it for the final "
            + "model only)%n", name, fin);
      }
    }
  }

  /** Follows the Tasks at {@code taskUrls} (site → URL) until each has ended or {@code timeout} has passed. */
  Map<String, TaskView> follow(Map<String, String> taskUrls, Duration timeout) {
    return follow(taskUrls, timeout, null, 0);
  }

  /** One site's Task as it is now, or null when the site does not answer. */
  TaskView read(String centre, String url) {
    FhirHttp.Answer a = http.as(identities.steward(centre)).get(url);
    if (!a.ok()) {
      return null;
    }
    return TaskView.of(http.parse(Task.class, a.body()));
  }

  private Map<String, TaskView> follow(Map<String, String> taskUrls, Duration timeout, Progress progress, int rounds) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, TaskView> views = new LinkedHashMap<>();
    while (true) {
      Map<String, CompletableFuture<TaskView>> reads = new LinkedHashMap<>();
      taskUrls.forEach((c, url) -> {
        TaskView v = views.get(c);
        if (v == null || !v.done()) {
          reads.put(c, CompletableFuture.supplyAsync(() -> read(c, url)));
        }
      });
      reads.forEach((c, f) -> {
        TaskView v = f.join();
        if (v != null) {
          views.put(c, v);
        }
      });
      if (progress != null) {
        progress.see(views);
      }
      boolean allDone = views.size() == taskUrls.size() && views.values().stream().allMatch(TaskView::done);
      if (allDone || System.nanoTime() > deadline) {
        if (!allDone) {
          taskUrls.keySet().forEach(c -> views.merge(c, timedOut(timeout), (old, t) -> old.done() ? old
              : new TaskView("timed-out", old.progress(), "no end within " + timeout.toSeconds() + " s (last: "
                  + old.progress() + ")", old.outputs())));
        }
        if (progress != null) {
          progress.finish(views);
        }
        return views;
      }
      DemoNetwork.sleep(POLL_MS);
    }
  }

  private static TaskView timedOut(Duration timeout) {
    return new TaskView("timed-out", null, "no Task read within " + timeout.toSeconds() + " s", Map.of());
  }

  private static StrategyResult result(String name, String code, boolean secure, Map<String, TaskView> views,
      List<StrategyResult.RoundPoint> curve) {
    Map<String, Double> perCentre = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    views.forEach((c, v) -> {
      if (v.completed() && !Double.isNaN(v.output("accuracy"))) {
        perCentre.put(c, v.output("accuracy"));
      } else {
        failures.put(c, v.status() + (v.reason() == null ? "" : ": " + v.reason()));
      }
    });
    if (failures.isEmpty()) {
      return new StrategyResult(name, code, secure, StrategyResult.Outcome.COMPLETED, null, perCentre, curve);
    }
    List<String> parts = new ArrayList<>();
    failures.forEach((c, why) -> parts.add(c + " " + why));
    return new StrategyResult(name, code, secure, StrategyResult.Outcome.FAILED, String.join("; ", parts),
        perCentre, curve);
  }
}
