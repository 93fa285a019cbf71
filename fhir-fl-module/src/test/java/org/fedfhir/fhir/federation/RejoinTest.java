package org.fedfhir.fhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.fedfhir.federation.SiteSession;
import org.junit.jupiter.api.Test;

/** When a broken session rejoins its study: which failures, and how long it waits between attempts. */
class RejoinTest {

  @Test
  void waitsDoubleFromTheFirstUpToTheLongest() {
    Rejoin r = Rejoin.DEFAULT;
    assertThat(java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(r::delay).map(Duration::toSeconds))
        .containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L);
    assertThat(r.within()).isEqualTo(Duration.ofMinutes(10));
    assertThat(Rejoin.within(Duration.ofMinutes(20)).delay(2)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badWaitsAreRefusedNamingThem() {
    assertThatThrownBy(() -> new Rejoin(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rejoin waits first PT5S, longest PT1S, within PT1M: need 0 < first ≤ longest and within ≥ 0");
    assertThatThrownBy(() -> Rejoin.within(Duration.ofMinutes(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSitesSettingIsAnIsoDurationAndABadOneIsRefusedNamingIt() {
    assertThat(Rejoin.fromSetting("PT20M")).isEqualTo(Rejoin.within(Duration.ofMinutes(20)));
    assertThat(Rejoin.fromSetting("PT0S").within()).isZero();
    assertThatThrownBy(() -> Rejoin.fromSetting("10 minutes")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fedfhir.federation.rejoin-within '10 minutes': need an ISO-8601 duration such as PT10M "
            + "(PT0S: never rejoin)");
    assertThatThrownBy(() -> Rejoin.fromSetting("-PT1M")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fedfhir.federation.rejoin-within '-PT1M': need a duration ≥ 0");
  }

  @Test
  void onlyTheTransportsFailuresAreRetriedNeverARefusal() {
    assertThat(Rejoin.isTransportFailure(new ExecutionException(Status.UNAVAILABLE
        .withDescription("Keepalive failed. The connection is likely gone").asRuntimeException()))).isTrue();
    assertThat(Rejoin.isTransportFailure(new CompletionException(Status.INTERNAL
        .withDescription("RST_STREAM closed stream. HTTP/2 error code: PROTOCOL_ERROR").asRuntimeException()))).isTrue();
    assertThat(Rejoin.isTransportFailure(Status.CANCELLED
        .withDescription("RST_STREAM closed stream. HTTP/2 error code: CANCEL").asException())).isTrue();
    // the aggregator's refusals and the site's own
    assertThat(Rejoin.isTransportFailure(Status.INVALID_ARGUMENT.withDescription("DEFINITION_MISMATCH: …")
        .asRuntimeException())).isFalse();
    assertThat(Rejoin.isTransportFailure(Status.CANCELLED.withDescription("superseded").asRuntimeException()))
        .isFalse();
    assertThat(Rejoin.isTransportFailure(new ExecutionException(new SiteSession.RoundRefusedException(
        "this site refused round 3: …")))).isFalse();
    assertThat(Rejoin.isTransportFailure(new IllegalStateException("UNAVAILABLE"))).isFalse();
  }
}
