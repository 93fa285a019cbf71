package org.fedfhir.tee.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.fedfhir.access.Caller;
import org.fedfhir.access.TooManyRequestsException;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.tee.enclave.BatchOutOfOrderException;
import org.fedfhir.tee.enclave.EnclaveSessions;
import org.fedfhir.tee.enclave.SessionLimitException;
import org.fedfhir.tee.enclave.TeeException;
import org.fedfhir.tee.enclave.UnknownModelException;
import org.fedfhir.tee.enclave.UnknownSessionException;
import org.fedfhir.tee.fhir.QueryBudgets;
import org.fedfhir.tee.grpc.v1.OpenSessionRequest;
import org.fedfhir.tee.grpc.v1.OpenSessionResponse;
import org.fedfhir.tee.grpc.v1.SealedBatch;
import org.fedfhir.tee.grpc.v1.SealedPredictGrpc;
import org.fedfhir.tee.grpc.v1.SealedPredictions;

/**
 * The {@code SealedPredict} service: checks the shape of each message and maps the enclave's
 * refusals to a {@link Status} with a description and the stable error code in the {@link #ERROR_CODE}
 * trailer (the codes of the FHIR operations' OperationOutcomes); the work is
 * {@link EnclaveSessions}'. Each patient of a batch is charged to the caller's and the study's
 * {@link QueryBudgets}, as FHIR {@code $predict} charges its one. The caller was authorised by
 * {@link CallerInterceptor}.
 */
final class SealedPredictService extends SealedPredictGrpc.SealedPredictImplBase {

  /** The trailer carrying the refusal's stable code, e.g. {@code batch-out-of-order}. */
  static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("fedfhir-tee-error", Metadata.ASCII_STRING_MARSHALLER);

  private final EnclaveSessions sessions;
  private final QueryBudgets budgets;

  SealedPredictService(EnclaveSessions sessions, QueryBudgets budgets) {
    this.sessions = sessions;
    this.budgets = budgets;
  }

  @Override
  public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
    try {
      int nonce = request.getNonce().size();
      if (nonce < 16 || nonce > 512) {
        throw refusal(Status.INVALID_ARGUMENT, "invalid-nonce", "nonce must be 16..512 bytes, got " + nonce);
      }
      requireText(request.getStudy(), "study");
      if (!request.getModelDigest().matches("[0-9a-f]{64}")) {
        throw refusal(Status.INVALID_ARGUMENT, "invalid-model-digest",
            "model_digest must be 64 lowercase hex digits (SHA-256)");
      }
      EnclaveSessions.Opened opened = sessions.open(caller().subject(), request.getStudy(), request.getModelDigest(),
          request.getNonce().toByteArray());
      out.onNext(OpenSessionResponse.newBuilder().setSessionId(ByteString.copyFrom(opened.sessionId()))
          .setEvidence(ByteString.copyFrom(opened.evidence().document()))
          .setFormat(opened.evidence().format().code()).build());
      out.onCompleted();
    } catch (TeeException e) {
      out.onError(refused(e));
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void predict(SealedBatch request, StreamObserver<SealedPredictions> out) {
    try {
      if (request.getSessionId().size() != 16) {
        throw refusal(Status.INVALID_ARGUMENT, "invalid-session-id", "session_id must be 16 bytes, got "
            + request.getSessionId().size());
      }
      if (request.getSealed().isEmpty()) {
        throw refusal(Status.INVALID_ARGUMENT, "missing-parameter", "sealed (a sealed FeatureBatch) is required");
      }
      int encapsulated = request.getEncapsulatedKey().size();
      if (encapsulated != 0 && encapsulated != 32) {
        throw refusal(Status.INVALID_ARGUMENT, "invalid-encapsulated-key", "encapsulated_key must be 32 bytes "
            + "(X25519) on batch 0 and empty after, got " + encapsulated);
      }
      String site = caller().subject();
      byte[] answer = sessions.predict(site, request.getSessionId().toByteArray(), request.getSequence(),
          request.getEncapsulatedKey().toByteArray(), request.getSealed().toByteArray(),
          (study, patients) -> budgets.charge(site, study, patients));
      out.onNext(SealedPredictions.newBuilder().setSequence(request.getSequence())
          .setSealed(ByteString.copyFrom(answer)).build());
      out.onCompleted();
    } catch (TooManyRequestsException e) {
      out.onError(refusal(Status.RESOURCE_EXHAUSTED, "budget-spent", e.getMessage()));
    } catch (TeeException | SealingException e) {
      out.onError(refused(e));
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private static Caller caller() {
    return CallerInterceptor.CALLER.get();
  }

  private static void requireText(String value, String name) {
    if (value.isBlank() || value.length() > 1024) {
      throw refusal(Status.INVALID_ARGUMENT, "missing-parameter", name + " is required (1..1024 characters)");
    }
  }

  /** The enclave's refusal as the Status a caller can act on. */
  private static StatusRuntimeException refused(Exception e) {
    if (e instanceof UnknownModelException || e instanceof UnknownSessionException) {
      return refusal(Status.NOT_FOUND, ((TeeException) e).code(), e.getMessage());
    }
    if (e instanceof BatchOutOfOrderException b) {
      return refusal(Status.FAILED_PRECONDITION, b.code(), b.getMessage());
    }
    if (e instanceof SessionLimitException s) {
      return refusal(Status.RESOURCE_EXHAUSTED, s.code(), s.getMessage());
    }
    if (e instanceof TeeException t) {
      return refusal(Status.INVALID_ARGUMENT, t.code(), t.getMessage());
    }
    return refusal(Status.INVALID_ARGUMENT, "sealed-data-not-authenticated", "the sealed batch did not open for this "
        + "session, model and sequence number: " + e.getMessage());
  }

  private static StatusRuntimeException refusal(Status status, String code, String description) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, code);
    return status.withDescription(description).asRuntimeException(trailers);
  }
}
