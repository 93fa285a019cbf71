package org.fedfhir.fhir.site;

import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * An operation at this site refused: {@link #status()} is the HTTP status the provider answers,
 * {@link #outcome()} the OperationOutcome for the client, one {@code error} issue per {@link Issue}.
 * Each operation names its failure modes in an enum implementing {@link Kind}.
 */
public abstract class OperationRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure mode: the HTTP status and FHIR issue type it is answered with (implemented by enums). */
  public interface Kind {
    /** The HTTP status and issue type this failure mode is answered with. */
    Answer answer();

    default int status() {
      return answer().status();
    }

    default OperationOutcome.IssueType issueType() {
      return answer().issueType();
    }

    /** The enum constant's name; as a code, lower case with hyphens. */
    String name();
  }

  /** How a failure mode is answered: its HTTP status and FHIR issue type. */
  public record Answer(int status, OperationOutcome.IssueType issueType) {}

  /** One issue: what is wrong and where ({@code expression}, may be null). */
  public record Issue(String diagnostics, String expression) {}

  private final Kind kind;
  private final List<Issue> issues;
  private final String codeSystem;

  /**
   * @param codeSystem the CodeSystem whose code for {@code kind} each issue's details carry, or null
   *     for none
   */
  protected OperationRefusal(Kind kind, String message, List<Issue> issues, String codeSystem) {
    super(message);
    this.kind = kind;
    this.issues = List.copyOf(issues);
    this.codeSystem = codeSystem;
  }

  /** The HTTP status the client is answered with. */
  public int status() {
    return kind.status();
  }

  public List<Issue> issues() {
    return issues;
  }

  /** The OperationOutcome: one {@code error} issue of the kind's issue type per {@link Issue}. */
  public OperationOutcome outcome() {
    OperationOutcome oo = new OperationOutcome();
    for (Issue i : issues) {
      OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(kind.issueType())
          .setDiagnostics(i.diagnostics());
      if (codeSystem != null) {
        issue.getDetails().addCoding(new Coding(codeSystem,
            kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), null));
      }
      if (i.expression() != null) {
        issue.addExpression(i.expression());
      }
    }
    return oo;
  }
}
