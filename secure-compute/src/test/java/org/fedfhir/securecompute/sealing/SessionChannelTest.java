package org.fedfhir.securecompute.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SessionChannelTest {

  private static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr|1";
  private static final String DIGEST = "ab".repeat(32);
  private static final String SESSION = "cd".repeat(16);
  private final SealingKeyPair enclave = SealingKeyPair.generate(new SecureRandom());
  private final byte[] features = "features: 63 1 4 145 233".getBytes(StandardCharsets.UTF_8);
  private final byte[] answer = "probability 0.541".getBytes(StandardCharsets.UTF_8);

  private static SealingContext request(long n) {
    return SealingContext.forFeatureBatch(STUDY, DIGEST, SESSION, n);
  }

  private static SealingContext response(long n) {
    return SealingContext.forPredictionBatch(STUDY, DIGEST, SESSION, n);
  }

  @Test
  void manyMessagesEachWayOpenAtTheOtherEndAfterOneEncapsulation() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());

    for (long n = 0; n < 3; n++) {
      byte[] sealed = site.channel().sealRequest(n, request(n), features);
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("features");
      assertThat(inEnclave.openRequest(n, request(n), sealed)).isEqualTo(features);
      byte[] back = inEnclave.sealResponse(n, response(n), answer);
      assertThat(site.channel().openResponse(n, response(n), back)).isEqualTo(answer);
    }
  }

  @Test
  void theSameMessageSealedAtTwoNumbersDiffersAndOpensOnlyAtItsOwn() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());
    byte[] first = site.channel().sealRequest(0, request(0), features);
    byte[] second = site.channel().sealRequest(1, request(1), features);

    assertThat(first).isNotEqualTo(second);
    // a replay under the next number fails even when the associated data is made to match
    assertThatThrownBy(() -> inEnclave.openRequest(1, request(1), first))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
    assertThatThrownBy(() -> inEnclave.openRequest(0, request(1), first))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void aRequestTurnedRoundAsAnAnswerDoesNotOpen() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    byte[] sealed = site.channel().sealRequest(0, request(0), features);

    assertThatThrownBy(() -> site.channel().openResponse(0, request(0), sealed))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void aMessageForAnotherSessionModelOrStudyDoesNotOpen() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());
    byte[] sealed = site.channel().sealRequest(0, request(0), features);

    for (SealingContext other : new SealingContext[] {
        SealingContext.forFeatureBatch(STUDY, DIGEST, "ef".repeat(16), 0),
        SealingContext.forFeatureBatch(STUDY, "00".repeat(32), SESSION, 0),
        SealingContext.forFeatureBatch(STUDY + "0", DIGEST, SESSION, 0)}) {
      assertThatThrownBy(() -> inEnclave.openRequest(0, other, sealed))
          .isInstanceOf(UnauthenticatedEnvelopeException.class);
    }
  }

  @Test
  void anotherChannelToTheSameKeyCannotReadOrForgeThisOnesMessages() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());
    SessionChannel.Initiated host = SessionChannel.initiate(enclave.publicKey());
    byte[] forged = host.channel().sealRequest(0, request(0), features);

    assertThatThrownBy(() -> inEnclave.openRequest(0, request(0), forged))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
    byte[] back = inEnclave.sealResponse(0, response(0), answer);
    assertThatThrownBy(() -> host.channel().openResponse(0, response(0), back))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void everyTamperedByteIsRefused() throws Exception {
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());
    byte[] sealed = site.channel().sealRequest(0, request(0), features);
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 1;
      assertThatThrownBy(() -> inEnclave.openRequest(0, request(0), tampered))
          .isInstanceOf(UnauthenticatedEnvelopeException.class);
    }
  }

  @Test
  void anEncapsulatedKeyOfTheWrongLengthIsRefusedSayingSo() {
    assertThatThrownBy(() -> SessionChannel.accept(enclave, new byte[31]))
        .isInstanceOf(UnauthenticatedEnvelopeException.class).hasMessageContaining("32 bytes");
  }
}
