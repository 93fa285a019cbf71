package org.fedfhir.tee.cleanroom;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.tee.enclave.TeeException;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The clean room inside the enclave: it collects each site's rows for a clean-room study, sealed to
 * the enclave's key, runs the study's program once the study's {@code min-sites} have delivered, and
 * keeps only the disclosure-checked result.
 *
 * <p>Security guarantees (given a genuine, attested enclave):
 * <ul>
 *   <li>the study is the one approved: its digest is computed here from the PlanDefinition given,
 *       and rows open only if sealed for that digest, that program's SHA-256 and that site
 *       ({@link SealingContext#forCleanRoomRows}), so rows sealed for another program or study, or
 *       replayed as another site's, are refused;</li>
 *   <li>the program run is the study's module (its hash checked by the parser), in the
 *       {@link WasmSandbox} under its limits; pooled rows are ordered by site name, so the result does
 *       not depend on delivery order;</li>
 *   <li>only the {@link DisclosureCheck}ed records leave; rows are zeroed after the run, and a run
 *       happens once per study digest;</li>
 *   <li>nothing is logged: exceptions name sites, columns and counts, never values.</li>
 * </ul>
 * <ul>
 *   <li>the released records leave only sealed (HPKE) to the researcher's key the study declares, bound
 *       to the study digest, the program's SHA-256 and the output's SHA-256
 *       ({@link SealingContext#forCleanRoomResult}); in the clear go only that receipt, the sites
 *       pooled and the counts of records released and suppressed;</li>
 *   <li>at most {@code maxStudies} studies wait for rows at once, so a caller cannot fill the enclave.</li>
 * </ul>
 * Thread-safe.
 */
public final class CleanRoom {

  /** A site's delivery as acknowledged: how many sites have delivered and how many the run needs. */
  public record Delivery(int delivered, int needed, boolean ran) {}

  /** Studies waiting for rows at once, by default. */
  public static final int DEFAULT_MAX_STUDIES = 16;

  /** One study's run: its rows by site until it ran, then its outcome. */
  private static final class Run {
    final StudyDefinition.CleanRoom study;
    final Map<String, RowTable> rows = new TreeMap<>();
    final Set<String> delivered = new TreeSet<>();
    CleanRoomResult result;
    byte[] sealedResult;
    TeeException failure;

    Run(StudyDefinition.CleanRoom study) {
      this.study = study;
    }

    boolean ran() {
      return result != null || failure != null;
    }
  }

  private final SealingKeyPair enclaveKey;
  private final WasmSandbox sandbox;
  private final FhirContext fhir = FhirContext.forR4Cached();
  private final Map<String, Run> runs = new HashMap<>();
  private final int maxStudies;

  public CleanRoom(SealingKeyPair enclaveKey, WasmSandbox sandbox) {
    this(enclaveKey, sandbox, DEFAULT_MAX_STUDIES);
  }

  /** @param maxStudies how many studies may wait for rows at once (run studies do not count) */
  public CleanRoom(SealingKeyPair enclaveKey, WasmSandbox sandbox, int maxStudies) {
    if (maxStudies < 1) {
      throw new IllegalArgumentException("maxStudies " + maxStudies + "; need at least 1");
    }
    this.enclaveKey = enclaveKey;
    this.sandbox = sandbox;
    this.maxStudies = maxStudies;
  }

  /** The study digest the clean room computes for {@code study} (what rows must be sealed for). */
  public String digest(PlanDefinition study) {
    return StudyDigest.sha256Hex(fhir, study);
  }

  /**
   * Opens and keeps one site's sealed rows; runs the program when this delivery reaches the study's
   * minimum of sites (a program that fails is a failed run: see {@link #result}).
   *
   * @param site the delivering site, as its network identity names it
   */
  public synchronized Delivery submit(PlanDefinition plan, String site, byte[] sealedRows)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    StudyDefinition.CleanRoom study = parse(plan);
    String digest = digest(plan);
    Run run = runs.get(digest);
    if (run == null) {
      if (runs.values().stream().filter(r -> !r.ran()).count() >= maxStudies) {
        throw new CleanRoomFullException("the clean room holds " + maxStudies + " studies waiting for rows, its maximum");
      }
      run = new Run(study);
    }
    if (run.ran()) {
      throw new AlreadyDeliveredException("this study's program has already run; a new run is a new study");
    }
    if (run.rows.containsKey(site)) {
      throw new AlreadyDeliveredException("site " + site + " has already delivered its rows for this study");
    }
    byte[] payload = Hpke.open(enclaveKey, SealingContext.forCleanRoomRows(digest, study.program().sha256(), site),
        sealedRows);
    RowTable rows;
    try {
      rows = RowsPayload.decode(payload);
    } catch (IllegalArgumentException e) {
      throw new InvalidRowsException("site " + site + "'s rows: " + e.getMessage());
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
    List<String> expected = columns(study);
    if (!rows.columns().equals(expected)) {
      throw new InvalidRowsException("site " + site + " sent columns " + rows.columns() + "; the study's are " + expected);
    }
    runs.putIfAbsent(digest, run);
    run.rows.put(site, rows);
    run.delivered.add(site);
    int delivered = run.rows.size();
    int needed = study.parameters().minSites();
    if (delivered >= needed) {
      execute(digest, run);
    }
    return new Delivery(delivered, needed, run.ran());
  }

  /**
   * The run's disclosure-checked result.
   *
   * @throws ResultNotReadyException before the study's minimum of sites delivered
   * @throws TeeException the run's failure (fuel, time, memory, a refused result), if it failed
   */
  public synchronized CleanRoomResult result(String studyDigest) throws TeeException {
    Run run = runs.get(studyDigest);
    if (run == null || !run.ran()) {
      throw new ResultNotReadyException(run == null ? "no site has delivered rows for this study digest"
          : run.rows.size() + " of " + run.study.parameters().minSites() + " sites have delivered; the program has not run");
    }
    if (run.failure != null) {
      throw run.failure;
    }
    return run.result;
  }

  /**
   * The result sealed to the study's researcher key (see {@link ResultParameters} for what it opens to).
   *
   * @throws ResultNotReadyException before the study's minimum of sites delivered
   * @throws TeeException the run's failure, if it failed
   */
  public synchronized byte[] sealedResult(String studyDigest) throws TeeException {
    result(studyDigest);
    return runs.get(studyDigest).sealedResult.clone();
  }

  /** Whether {@code site} delivered rows for the study with this digest. */
  public synchronized boolean delivered(String studyDigest, String site) {
    Run run = runs.get(studyDigest);
    return run != null && run.delivered.contains(site);
  }

  /** The columns a site sends: the study's features, in order, then {@code label}. */
  public static List<String> columns(StudyDefinition.CleanRoom study) {
    List<String> columns = new ArrayList<>(study.featureNames());
    columns.add("label");
    return columns;
  }

  private static StudyDefinition.CleanRoom parse(PlanDefinition plan) throws NotACleanRoomStudyException {
    try {
      if (new StudyParser().parse(plan) instanceof StudyDefinition.CleanRoom study) {
        return study;
      }
      throw new NotACleanRoomStudyException("the study is not of kind clean-room");
    } catch (InvalidStudyException e) {
      throw new NotACleanRoomStudyException("the study does not parse: " + e.getMessage());
    }
  }

  private void execute(String digest, Run run) {
    List<String> sites = new ArrayList<>(run.rows.keySet());
    RowTable pooled = pool(run.rows);
    try {
      WasmProgram program = sandbox.load(run.study.program().wasm());
      SandboxRun done = sandbox.run(program, pooled);
      DisclosureCheck.Checked checked = DisclosureCheck.apply(done.result(), run.study.program(), pooled);
      CleanRoomResult result = new CleanRoomResult(run.study.url(), digest, program.sha256(), sites,
          checked.released(), checked.suppressed(), WasmProgram.sha256(ResultRecord.encode(checked.released())),
          done.instructions());
      byte[] plaintext = ResultParameters.encode(result);
      run.sealedResult = Hpke.seal(run.study.resultKey(), SealingContext.forCleanRoomResult(digest,
          result.programSha256(), result.outputSha256()), plaintext).toBytes();
      Arrays.fill(plaintext, (byte) 0);
      run.result = result;
    } catch (TeeException e) {
      run.failure = e;
    } finally {
      run.rows.clear();
    }
  }

  /** The sites' rows stacked in site-name order, with a {@code site} column (the site's index). */
  static RowTable pool(Map<String, RowTable> bySite) {
    List<RowTable> sites = new ArrayList<>(bySite.values());
    List<String> columns = new ArrayList<>(sites.get(0).columns());
    columns.add("site");
    int width = columns.size();
    double[] values = new double[sites.stream().mapToInt(RowTable::rows).sum() * width];
    int row = 0;
    for (int s = 0; s < sites.size(); s++) {
      RowTable site = sites.get(s);
      for (int i = 0; i < site.rows(); i++, row++) {
        for (int c = 0; c < site.width(); c++) {
          values[row * width + c] = site.value(i, c);
        }
        values[row * width + width - 1] = s;
      }
    }
    return new RowTable(columns, values);
  }
}
