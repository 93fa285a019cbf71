package org.fedfhir.study;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads a {@code clean-room} study's program: {@code PlanDefinition.library} is {@code "#id"} of a
 * contained {@code Library} whose content holds the module ({@code application/wasm}, {@code data},
 * {@code hash} = its SHA-1 as R4 defines it, extension {@code attachment-sha256} = its SHA-256, the
 * program's identity; both must match) and one source attachment
 * ({@code text/*}); its {@code dataRequirement} repeat the study's features ({@code action[0].input})
 * in order; extensions declare the outputs ({@code clean-room-output}, a name each) and the
 * disclosure rule ({@code clean-room-disclosure}: {@code groupBy} none | label | site and
 * {@code minCount}) and the researcher's key the result is sealed to ({@code clean-room-result-key},
 * 32 bytes X25519). Because the Library is contained, the study digest covers the module's hash and
 * the result key.
 */
public final class CleanRoomDeclarations {

  public static final String EXT_OUTPUT = StudyUrls.BASE + "/StructureDefinition/clean-room-output";
  public static final String EXT_DISCLOSURE = StudyUrls.BASE + "/StructureDefinition/clean-room-disclosure";
  /** On the module's Attachment: its SHA-256 (base64), the program's identity; R4 keeps {@code hash} for SHA-1. */
  public static final String EXT_SHA256 = StudyUrls.BASE + "/StructureDefinition/attachment-sha256";
  /** On the Library: the researcher's X25519 public key (base64, 32 bytes) the result is sealed to. */
  public static final String EXT_RESULT_KEY = StudyUrls.BASE + "/StructureDefinition/clean-room-result-key";

  private CleanRoomDeclarations() {}

  /** The program, or null with issues added. */
  static CleanRoomProgram read(PlanDefinition pd, List<StudyIssue> issues) {
    String loc = "PlanDefinition.library";
    if (pd.getLibrary().size() != 1 || !pd.getLibrary().get(0).hasValue()
        || !pd.getLibrary().get(0).getValue().startsWith("#")) {
      issues.add(new StudyIssue(loc, "a clean-room study names exactly 1 program as \"#id\" of a contained Library"));
      return null;
    }
    String id = pd.getLibrary().get(0).getValue().substring(1);
    Library library = null;
    for (Resource contained : pd.getContained()) {
      if (contained instanceof Library l && id.equals(l.getIdElement().getIdPart().replaceFirst("^#", ""))) {
        library = l;
      }
    }
    if (library == null) {
      issues.add(new StudyIssue(loc, "names #" + id + " but the PlanDefinition contains no Library with that id"));
      return null;
    }
    String l = "PlanDefinition.contained[Library#" + id + "]";
    int before = issues.size();
    Attachment module = null;
    Attachment source = null;
    for (int i = 0; i < library.getContent().size(); i++) {
      Attachment a = library.getContent().get(i);
      String type = a.getContentType() == null ? "" : a.getContentType();
      if (type.equals(CleanRoomProgram.WASM)) {
        if (module != null) {
          issues.add(new StudyIssue(l + ".content[" + i + "]", "a second application/wasm attachment; the program is one module"));
        }
        module = a;
      } else if (type.startsWith("text/")) {
        source = source == null ? a : source;
      }
    }
    String sha256 = null;
    byte[] wasm = null;
    Extension declared = module == null ? null : module.getExtensionByUrl(EXT_SHA256);
    if (module == null || !module.hasData() || !module.hasHash() || declared == null
        || !(declared.getValue() instanceof org.hl7.fhir.r4.model.Base64BinaryType sha256Value) || !sha256Value.hasValue()) {
      issues.add(new StudyIssue(l + ".content", "needs an application/wasm attachment with data, hash (base64 SHA-1, "
          + "as FHIR R4 defines it) and extension attachment-sha256 (base64 SHA-256, the program's identity)"));
    } else {
      wasm = module.getData();
      if (wasm.length > CleanRoomProgram.MAX_WASM_BYTES) {
        issues.add(new StudyIssue(l + ".content[wasm].data", "the module has " + wasm.length + " bytes; at most "
            + CleanRoomProgram.MAX_WASM_BYTES));
      }
      byte[] digest = digest("SHA-256", wasm);
      if (!MessageDigest.isEqual(digest, sha256Value.getValue())) {
        issues.add(new StudyIssue(l + ".content[wasm].extension[attachment-sha256]", "is not the SHA-256 of the module's "
            + "data (expected " + Base64.getEncoder().encodeToString(digest) + "); a changed module is a new study"));
      }
      if (!MessageDigest.isEqual(digest("SHA-1", wasm), module.getHash())) {
        issues.add(new StudyIssue(l + ".content[wasm].hash", "is not the SHA-1 of the module's data"));
      }
      sha256 = HexFormat.of().formatHex(digest);
    }
    if (source == null || !source.hasData()) {
      issues.add(new StudyIssue(l + ".content", "needs the program's source as a text/* attachment with data, for review"));
    }
    PlanDefinition.PlanDefinitionActionComponent action = pd.getActionFirstRep();
    boolean sameInputs = library.getDataRequirement().size() == action.getInput().size();
    for (int i = 0; sameInputs && i < action.getInput().size(); i++) {
      sameInputs = library.getDataRequirement().get(i).equalsDeep(action.getInput().get(i));
    }
    if (!sameInputs) {
      issues.add(new StudyIssue(l + ".dataRequirement", "must repeat the study's features (PlanDefinition.action[0].input) "
          + "in the same order: the program declares exactly what it reads"));
    }
    List<String> outputs = readOutputs(library, l, issues);
    CleanRoomProgram.Disclosure disclosure = readDisclosure(library, l, issues);
    byte[] resultKey = readResultKey(library, l, issues);
    if (issues.size() > before) {
      return null;
    }
    return new CleanRoomProgram(id, sha256, wasm, source.getContentType(), source.getData(), outputs, disclosure,
        resultKey);
  }

  private static List<String> readOutputs(Library library, String l, List<StudyIssue> issues) {
    Set<String> names = new LinkedHashSet<>();
    List<Extension> exts = library.getExtensionsByUrl(EXT_OUTPUT);
    if (exts.isEmpty()) {
      issues.add(new StudyIssue(l + ".extension[output]", "declares at least 1 output (the names the program may release)"));
    }
    for (int i = 0; i < exts.size(); i++) {
      String name = primitive(exts.get(i).getExtensionByUrl("name"));
      String at = l + ".extension[output][" + i + "].name";
      if (name == null || name.isEmpty() || name.length() > 23 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
        issues.add(new StudyIssue(at, "must be 1–23 printable ASCII characters without spaces, found " + name));
      } else if (!names.add(name)) {
        issues.add(new StudyIssue(at, "output '" + name + "' is declared twice"));
      }
    }
    return new ArrayList<>(names);
  }

  private static CleanRoomProgram.Disclosure readDisclosure(Library library, String l, List<StudyIssue> issues) {
    List<Extension> exts = library.getExtensionsByUrl(EXT_DISCLOSURE);
    String at = l + ".extension[disclosure]";
    if (exts.size() != 1) {
      issues.add(new StudyIssue(at, "must appear once (groupBy and minCount), found " + exts.size()));
      return null;
    }
    String groupBy = primitive(exts.get(0).getExtensionByUrl("groupBy"));
    CleanRoomProgram.GroupBy group = groupBy == null ? null : CleanRoomProgram.GroupBy.fromCode(groupBy).orElse(null);
    if (group == null) {
      issues.add(new StudyIssue(at + ".groupBy", "must be a code: none | label | site, found " + groupBy));
    }
    Extension min = exts.get(0).getExtensionByUrl("minCount");
    if (min == null || !(min.getValue() instanceof IntegerType count) || count.getValue() == null
        || count.getValue() < CleanRoomProgram.Disclosure.LEAST_MIN_COUNT) {
      issues.add(new StudyIssue(at + ".minCount", "needs valueInteger of at least "
          + CleanRoomProgram.Disclosure.LEAST_MIN_COUNT + " (a group of one row is a row)"));
      return null;
    }
    return group == null ? null : new CleanRoomProgram.Disclosure(group, count.getValue());
  }

  private static byte[] readResultKey(Library library, String l, List<StudyIssue> issues) {
    List<Extension> exts = library.getExtensionsByUrl(EXT_RESULT_KEY);
    if (exts.size() != 1 || !(exts.get(0).getValue() instanceof org.hl7.fhir.r4.model.Base64BinaryType key)
        || !key.hasValue() || key.getValue().length != CleanRoomProgram.RESULT_KEY_BYTES) {
      issues.add(new StudyIssue(l + ".extension[resultKey]", "must appear once with valueBase64Binary: the researcher's "
          + CleanRoomProgram.RESULT_KEY_BYTES + "-byte X25519 public key the enclave seals the result to"));
      return null;
    }
    return key.getValue();
  }

  private static String primitive(Extension ext) {
    return ext != null && ext.getValue() instanceof PrimitiveType<?> p && p.hasValue() ? p.getValueAsString() : null;
  }

  static byte[] sha256(byte[] bytes) {
    return digest("SHA-256", bytes);
  }

  private static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * Makes {@code study} a clean-room study of this program: sets its kind, drops any algorithm,
   * contains the program's Library (id {@code program}, inputs = the study's features) and names it
   * in {@code PlanDefinition.library}, its result sealed to {@code resultKey}. The inverse of the
   * parser; for publishing and tests.
   */
  public static PlanDefinition asCleanRoomStudy(PlanDefinition study, byte[] wasm, String sourceContentType,
      byte[] source, List<String> outputs, CleanRoomProgram.Disclosure disclosure, byte[] resultKey) {
    PlanDefinition pd = study.copy();
    pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_STUDY_KIND) || e.getUrl().equals(StudyUrls.EXT_ALGORITHM));
    pd.addExtension(StudyUrls.EXT_STUDY_KIND, new CodeType(StudyKind.CLEAN_ROOM.code()));
    Library library = new Library();
    library.setId("program");
    library.setStatus(Enumerations.PublicationStatus.ACTIVE);
    library.setType(new CodeableConcept().addCoding(
        new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/library-type", "logic-library", null)));
    library.addContent().setContentType(CleanRoomProgram.WASM).setData(wasm).setHash(digest("SHA-1", wasm))
        .setTitle("program.wasm").addExtension(EXT_SHA256, new org.hl7.fhir.r4.model.Base64BinaryType(sha256(wasm)));
    library.addContent().setContentType(sourceContentType).setData(source).setTitle("program source");
    for (var input : pd.getActionFirstRep().getInput()) {
      library.addDataRequirement(input.copy());
    }
    for (String name : outputs) {
      Extension output = library.addExtension().setUrl(EXT_OUTPUT);
      output.addExtension("name", new StringType(name));
    }
    Extension rule = library.addExtension().setUrl(EXT_DISCLOSURE);
    rule.addExtension("groupBy", new CodeType(disclosure.groupBy().code()));
    rule.addExtension("minCount", new IntegerType(disclosure.minCount()));
    library.addExtension(EXT_RESULT_KEY, new org.hl7.fhir.r4.model.Base64BinaryType(resultKey));
    pd.getContained().removeIf(r -> r instanceof Library);
    pd.addContained(library);
    pd.setLibrary(List.of(new CanonicalType("#program")));
    return pd;
  }

  /**
   * {@code study} with its program's result sealed to {@code resultKey} instead: a new study digest,
   * so a new study for the stewards to approve. For a researcher publishing the guide's example.
   */
  public static PlanDefinition withResultKey(PlanDefinition study, byte[] resultKey) {
    if (resultKey == null || resultKey.length != CleanRoomProgram.RESULT_KEY_BYTES) {
      throw new IllegalArgumentException("the result key must be " + CleanRoomProgram.RESULT_KEY_BYTES + " bytes (X25519)");
    }
    PlanDefinition pd = study.copy();
    for (Resource contained : pd.getContained()) {
      if (contained instanceof Library library) {
        library.getExtension().removeIf(e -> EXT_RESULT_KEY.equals(e.getUrl()));
        library.addExtension(EXT_RESULT_KEY, new org.hl7.fhir.r4.model.Base64BinaryType(resultKey));
      }
    }
    return pd;
  }
}
