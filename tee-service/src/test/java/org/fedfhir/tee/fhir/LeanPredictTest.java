package org.fedfhir.tee.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedfhir.access.NetworkTrustManager;
import org.fedfhir.access.Role;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SessionChannel;
import org.fedfhir.tee.client.LeanTeeClient;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.grpc.v1.FeatureBatch;
import org.fedfhir.tee.grpc.v1.OpenSessionRequest;
import org.fedfhir.tee.grpc.v1.OpenSessionResponse;
import org.fedfhir.tee.grpc.v1.PredictionBatch;
import org.fedfhir.tee.grpc.v1.SealedBatch;
import org.fedfhir.tee.grpc.v1.SealedPredictGrpc;
import org.fedfhir.tee.grpc.v1.SealedPredictions;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.ModelCodecTest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lean prediction path (gRPC, attested sessions, sealed batches) as a site uses it and as a
 * security reviewer would try it: the same answers as FHIR {@code $predict}, only sites with a
 * certificate of the network, and a sealed batch that is replayed, reordered, or sealed for another
 * session or model refused.
 */
class LeanPredictTest {

  static final double[][] PATIENTS = {
      {63, 1, 4, 145, 233, 1, 2, 150, 0, 2.3}, {41, 0, 2, 130, 204, 0, 2, 172, 0, 1.4},
      {57, 1, 4, 140, 192, 0, 0, 148, 0, 0.4}, {67, 1, 4, 160, 286, 0, 2, 108, 1, Double.NaN}};

  @TempDir
  Path dir;
  TestNetwork network;
  SimulatedTeeService tee;
  LinearModel model = ModelCodecTest.heartModel();
  ProvisioningRecord record;
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    network = new TestNetwork(dir);
    tee = SimulatedTeeService.start("127.0.0.1", 0, network.teeTls(), new QueryBudgets(10, 100, Duration.ofHours(24),
        Clock.systemUTC()), 4, new Object[0]);
    record = new ModelProvisioner(network.client("aggregator", "aggregator", tee.server().baseUrl()), trusting(),
        Clock.systemUTC()).provision(model);
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    tee.close();
  }

  AttestationVerifier trusting() {
    return new AttestationVerifier(AttestationPolicy.builder().allowSimulatedEvidence(tee.platformPublicKey())
        .trustMeasurement(tee.measurement()).build());
  }

  ManagedChannel channel(String name, String role) {
    network.issue(name, role);
    ManagedChannel c = MutualTlsClients.leanChannel("127.0.0.1", tee.server().leanPort(),
        network.file(name + "-cert.pem"), network.file(name + "-key.pem"), network.file("ca.pem"));
    channels.add(c);
    return c;
  }

  LeanTeeClient client(String name, String role) {
    return new LeanTeeClient(channel(name, role), trusting(), Clock.systemUTC());
  }

  static double[] rows(double[]... patients) {
    double[] rows = new double[patients.length * patients[0].length];
    for (int i = 0; i < patients.length; i++) {
      System.arraycopy(patients[i], 0, rows, i * patients[i].length, patients[i].length);
    }
    return rows;
  }

  @Test
  void aBatchGetsTheAnswersFhirPredictGivesPatientByPatientInOneReusedSession() throws Exception {
    LeanTeeClient lean = client("cleveland", "site");
    TeeClient fhir = new TeeClient(network.client("cleveland", "site", tee.server().baseUrl()), trusting(),
        Clock.systemUTC(), new SecureRandom());

    LeanTeeClient.Answer first = lean.predict(model.study(), record.modelDigest(), model.featureNames(),
        rows(PATIENTS));
    LeanTeeClient.Answer second = lean.predict(model.study(), record.modelDigest(), model.featureNames(),
        rows(PATIENTS[2]));

    for (int i = 0; i < PATIENTS.length; i++) {
      double viaFhir = fhir.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENTS[i]);
      assertThat(first.probabilities()[i]).as("patient " + i).isEqualTo(viaFhir)
          .isEqualTo(EnclaveModelService.round(model.predict(PATIENTS[i]), 3));
    }
    assertThat(second.probabilities()).containsExactly(first.probabilities()[2]);
    assertThat(second.attestation()).as("the session and its attestation are reused").isSameAs(first.attestation());
    assertThat(first.attestation().measurement()).isEqualTo(tee.measurement());
  }

  @Test
  void theCapabilityStatementNamesTheLeanPort() {
    CapabilityStatement cs = network.client("cleveland", "site", tee.server().baseUrl()).capabilities()
        .ofType(CapabilityStatement.class).execute();
    assertThat(((UnsignedIntType) cs.getRestFirstRep().getExtensionByUrl(TeeServer.LEAN_PREDICT_PORT).getValue())
        .getValue()).isEqualTo(tee.server().leanPort());
  }

  @Test
  void noClientCertificateGetsNoConnection() throws Exception {
    ManagedChannel anonymous = Grpc.newChannelBuilderForAddress("127.0.0.1", tee.server().leanPort(),
        TlsChannelCredentials.newBuilder().trustManager(NetworkTrustManager.forServer(network.file("ca.pem"), Role.TEE))
            .build()).build();
    channels.add(anonymous);
    LeanTeeClient client = new LeanTeeClient(anonymous, trusting(), Clock.systemUTC());
    assertThatThrownBy(() -> client.predict(model.study(), record.modelDigest(), model.featureNames(),
        rows(PATIENTS[0]))).isInstanceOfSatisfying(TeeServiceException.class,
        e -> assertThat(e.code()).isEqualTo("unreachable"));
  }

  @Test
  void onlySitesMayOpenASessionOrPredict() throws Exception {
    for (String[] party : new String[][] {{"aggregator", "aggregator"}, {"alice", "researcher"}, {"tee", "tee"}}) {
      SealedPredictGrpc.SealedPredictBlockingStub stub = SealedPredictGrpc.newBlockingStub(channel(party[0], party[1]));
      assertThatThrownBy(() -> stub.openSession(open(new byte[32])))
          .as("OpenSession by a " + party[1]).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("$predict", "sites");
          });
      assertThatThrownBy(() -> stub.predict(SealedBatch.newBuilder().setSessionId(ByteString.copyFrom(new byte[16]))
          .setSealed(ByteString.copyFrom(new byte[64])).build()))
          .as("Predict by a " + party[1]).isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
  }

  @Test
  void aCertificateNamingNoRoleIsUnauthenticated() {
    network.issueNamed("nobody", "CN=nobody,O=FedFHIR network");
    ManagedChannel c = MutualTlsClients.leanChannel("127.0.0.1", tee.server().leanPort(),
        network.file("nobody-cert.pem"), network.file("nobody-key.pem"), network.file("ca.pem"));
    channels.add(c);
    assertThatThrownBy(() -> SealedPredictGrpc.newBlockingStub(c).openSession(open(new byte[32])))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("client certificate of the network CA");
        });
  }

  /** A session opened by hand, as an attacker on the path or a misbehaving client would. */
  record RawSession(ByteString id, String idHex, byte[] enclaveKey) {}

  OpenSessionRequest open(byte[] nonce) {
    return OpenSessionRequest.newBuilder().setNonce(ByteString.copyFrom(nonce)).setStudy(model.study())
        .setModelDigest(record.modelDigest()).build();
  }

  RawSession rawSession(SealedPredictGrpc.SealedPredictBlockingStub stub) throws Exception {
    AttestationVerifier verifier = trusting();
    byte[] nonce = verifier.freshNonce();
    OpenSessionResponse r = stub.openSession(open(nonce));
    VerifiedAttestation a = verifier.verify(new AttestationEvidence(EvidenceFormat.fromCode(r.getFormat()),
        r.getEvidence().toByteArray()), nonce);
    assertThat(a.userData()).isEqualTo(r.getSessionId().toByteArray());
    return new RawSession(r.getSessionId(), java.util.HexFormat.of().formatHex(r.getSessionId().toByteArray()),
        a.enclavePublicKey());
  }

  /** Batch {@code sequence} on {@code channel}, sent to session {@code to} (batch 0 carries the encapsulated key). */
  SealedBatch seal(RawSession to, String idHex, String digest, long sequence, SessionChannel.Initiated channel) {
    byte[] plaintext = FeatureBatch.newBuilder()
        .addAllNames(model.featureNames()).addAllValues(java.util.Arrays.stream(PATIENTS[0]).boxed().toList())
        .build().toByteArray();
    byte[] sealed = channel.channel().sealRequest(sequence,
        SealingContext.forFeatureBatch(model.study(), digest, idHex, sequence), plaintext);
    SealedBatch.Builder batch = SealedBatch.newBuilder().setSessionId(to.id()).setSequence(sequence)
        .setSealed(ByteString.copyFrom(sealed));
    if (sequence == 0) {
      batch.setEncapsulatedKey(ByteString.copyFrom(channel.encapsulatedKey()));
    }
    return batch.build();
  }

  static void refused(Runnable call, Status.Code status, String code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(status);
      assertThat(e.getTrailers().get(io.grpc.Metadata.Key.of("fedfhir-tee-error",
          io.grpc.Metadata.ASCII_STRING_MARSHALLER))).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isNotBlank();
    });
  }

  @Test
  void aReplayedOrReorderedBatchIsRefusedAndTheSessionStaysInPlace() throws Exception {
    SealedPredictGrpc.SealedPredictBlockingStub stub = SealedPredictGrpc.newBlockingStub(channel("cleveland", "site"));
    RawSession s = rawSession(stub);
    SessionChannel.Initiated channel = SessionChannel.initiate(s.enclaveKey());
    SealedBatch first = seal(s, s.idHex(), record.modelDigest(), 0, channel);
    SealedBatch second = seal(s, s.idHex(), record.modelDigest(), 1, channel);

    refused(() -> stub.predict(second), Status.Code.FAILED_PRECONDITION, "batch-out-of-order");
    SealedPredictions answer = stub.predict(first);
    double p = PredictionBatch.parseFrom(channel.channel().openResponse(0, SealingContext.forPredictionBatch(
        model.study(), record.modelDigest(), s.idHex(), 0), answer.getSealed().toByteArray())).getProbabilities(0);
    assertThat(p).isEqualTo(EnclaveModelService.round(model.predict(PATIENTS[0]), 3));
    refused(() -> stub.predict(first), Status.Code.FAILED_PRECONDITION, "batch-out-of-order");
    // a replayed batch relabelled with the next sequence number no longer opens
    refused(() -> stub.predict(first.toBuilder().setSequence(1).clearEncapsulatedKey().build()),
        Status.Code.INVALID_ARGUMENT, "sealed-data-not-authenticated");
    assertThat(stub.predict(second).getSequence()).isEqualTo(1);
  }

  @Test
  void aBatchSealedForAnotherSessionOrModelDoesNotOpenAndASessionServesOnlyItsSite() throws Exception {
    SealedPredictGrpc.SealedPredictBlockingStub stub = SealedPredictGrpc.newBlockingStub(channel("cleveland", "site"));
    RawSession a = rawSession(stub);
    RawSession b = rawSession(stub);
    SessionChannel.Initiated channel = SessionChannel.initiate(a.enclaveKey());

    SealedBatch forA = seal(a, a.idHex(), record.modelDigest(), 0, channel);
    refused(() -> stub.predict(forA.toBuilder().setSessionId(b.id()).build()), Status.Code.INVALID_ARGUMENT,
        "sealed-data-not-authenticated");
    String otherDigest = "0".repeat(64);
    refused(() -> stub.predict(seal(a, a.idHex(), otherDigest, 0, channel)), Status.Code.INVALID_ARGUMENT,
        "sealed-data-not-authenticated");
    SealedPredictGrpc.SealedPredictBlockingStub otherSite =
        SealedPredictGrpc.newBlockingStub(channel("hungarian", "site"));
    refused(() -> otherSite.predict(forA), Status.Code.NOT_FOUND, "unknown-session");
    refused(() -> otherSite.openSession(OpenSessionRequest.newBuilder().setNonce(ByteString.copyFrom(new byte[32]))
        .setStudy(model.study()).setModelDigest(otherDigest).build()), Status.Code.NOT_FOUND, "unknown-model");
    assertThat(stub.predict(forA).getSequence()).as("the refusals left session A in place").isZero();
  }

  @Test
  void theChannelIsSetUpByBatchZeroAloneAndAnotherChannelCannotTakeOverTheSession() throws Exception {
    SealedPredictGrpc.SealedPredictBlockingStub stub = SealedPredictGrpc.newBlockingStub(channel("cleveland", "site"));
    RawSession s = rawSession(stub);
    SessionChannel.Initiated channel = SessionChannel.initiate(s.enclaveKey());
    SealedBatch first = seal(s, s.idHex(), record.modelDigest(), 0, channel);

    refused(() -> stub.predict(first.toBuilder().clearEncapsulatedKey().build()), Status.Code.INVALID_ARGUMENT,
        "invalid-channel");
    refused(() -> stub.predict(first.toBuilder().setEncapsulatedKey(ByteString.copyFrom(new byte[5])).build()),
        Status.Code.INVALID_ARGUMENT, "invalid-encapsulated-key");
    assertThat(stub.predict(first).getSequence()).isZero();
    // batch 1 carrying a fresh encapsulated key: a host trying to put its own channel into the session
    SessionChannel.Initiated host = SessionChannel.initiate(s.enclaveKey());
    SealedBatch hijack = seal(s, s.idHex(), record.modelDigest(), 1, host).toBuilder()
        .setEncapsulatedKey(ByteString.copyFrom(host.encapsulatedKey())).build();
    refused(() -> stub.predict(hijack), Status.Code.INVALID_ARGUMENT, "invalid-channel");
    refused(() -> stub.predict(hijack.toBuilder().clearEncapsulatedKey().build()), Status.Code.INVALID_ARGUMENT,
        "sealed-data-not-authenticated");
    assertThat(stub.predict(seal(s, s.idHex(), record.modelDigest(), 1, channel)).getSequence()).isEqualTo(1);
  }

  @Test
  void everyPatientOfABatchIsChargedToTheBudgetAndAnOverspendingBatchIsRefusedWhole() throws Exception {
    LeanTeeClient lean = client("cleveland", "site");
    double[] eight = rows(PATIENTS[0], PATIENTS[1], PATIENTS[2], PATIENTS[3], PATIENTS[0], PATIENTS[1],
        PATIENTS[2], PATIENTS[3]);
    assertThat(lean.predict(model.study(), record.modelDigest(), model.featureNames(), eight).probabilities())
        .hasSize(8);
    assertThatThrownBy(() -> lean.predict(model.study(), record.modelDigest(), model.featureNames(),
        rows(PATIENTS[0], PATIENTS[1], PATIENTS[2])))
        .as("3 more of a budget of 10").isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.code()).isEqualTo("budget-spent");
          assertThat(e.getMessage()).contains("2 left, 3 asked");
        });
    assertThat(lean.predict(model.study(), record.modelDigest(), model.featureNames(),
        rows(PATIENTS[0], PATIENTS[1])).probabilities()).as("the two left, in a new session").hasSize(2);
  }
}
