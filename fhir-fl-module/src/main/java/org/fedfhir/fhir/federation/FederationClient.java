package org.fedfhir.fhir.federation;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fedfhir.access.Role;
import org.fedfhir.access.NetworkTrustManager;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.ContributionLedger;
import org.fedfhir.federation.Keepalive;
import org.fedfhir.federation.RoundPolicy;
import org.fedfhir.federation.SessionKeyEndorsement;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.StudyLimits;

/**
 * The site's connection to the aggregator: one gRPC channel, outbound only (a hospital accepts no
 * inbound calls), over mutual TLS with the network PKI — the site presents its certificate (its
 * identity at the aggregator) and accepts only the network CA's certificate of the aggregator
 * ({@link NetworkTrustManager}). Each {@link #join} opens one study
 * session ({@link SiteSession}), whose rounds run with secure aggregation. Over mutual TLS the
 * session's key is endorsed with the site's certificate and every participant's must be
 * ({@link SessionKeyEndorsement}): the aggregator cannot substitute a key of its own.
 *
 * <p>Every round obeys the study's {@link RoundPolicy} with this site's own minimum number of
 * participants ({@code fedfhir.federation.min-sites}, default {@value RoundPolicy#DEFAULT_SITE_MIN_SITES});
 * a round that does not is refused, and {@link #describe} says why.
 *
 * <p>A training session records what it contributes in the site's {@link ContributionLedger}
 * (given, the hospital's own, kept in its database) and refuses a round that would sum a
 * contribution of an earlier session of the same study among other sites; statistics sessions
 * are bounded by the site's release records instead.
 */
public final class FederationClient implements Aggregator {

  private final ManagedChannel channel;
  private final String target;
  private final SessionKeyEndorsement.Signer signer;
  private final SessionKeyEndorsement.Verifier verifier;
  private final int siteMinSites;
  private final ContributionLedger ledger;

  /** Over a given channel without key endorsement (tests: the in-process transport). */
  public FederationClient(ManagedChannel channel, String target) {
    this(channel, target, null, null, RoundPolicy.DEFAULT_SITE_MIN_SITES);
  }

  /**
   * Over a given channel, endorsing session keys with {@code signer} and requiring peers' by
   * {@code verifier}; no round with fewer than {@code siteMinSites} participants.
   */
  public FederationClient(ManagedChannel channel, String target, SessionKeyEndorsement.Signer signer,
      SessionKeyEndorsement.Verifier verifier, int siteMinSites) {
    this(channel, target, signer, verifier, siteMinSites, null);
  }

  /**
   * As above, with training sessions recording in the site's {@code ledger} (null: each session
   * keeps its own, and is held only to its own rounds).
   */
  public FederationClient(ManagedChannel channel, String target, SessionKeyEndorsement.Signer signer,
      SessionKeyEndorsement.Verifier verifier, int siteMinSites, ContributionLedger ledger) {
    this.ledger = ledger;
    this.channel = channel;
    this.target = target;
    this.signer = signer;
    this.verifier = verifier;
    this.siteMinSites = siteMinSites;
  }

  /** A mutual-TLS channel to the aggregator with the site's credentials and the default minimum of participants. */
  public static FederationClient mutualTls(AggregatorAddress aggregator, SitePkiFiles pki) {
    return mutualTls(aggregator, pki, RoundPolicy.DEFAULT_SITE_MIN_SITES);
  }

  /** A mutual-TLS channel to the aggregator with the site's credentials and its own minimum of participants. */
  public static FederationClient mutualTls(AggregatorAddress aggregator, SitePkiFiles pki, int siteMinSites) {
    return mutualTls(aggregator, pki, siteMinSites, java.util.Map.of(), null);
  }

  /**
   * As above, training sessions recording in the site's {@code ledger}, and every participant's
   * certificate key required to be the one {@code peerPins} names for it (site → hex SHA-256 of the
   * SubjectPublicKeyInfo, {@link #peerPins}; empty: any certificate of the network CA in the site's name).
   */
  public static FederationClient mutualTls(AggregatorAddress aggregator, SitePkiFiles pki, int siteMinSites,
      java.util.Map<String, String> peerPins, ContributionLedger ledger) {
    ChannelCredentials credentials;
    try {
      credentials = TlsChannelCredentials.newBuilder()
          .keyManager(pki.certificate().toFile(), pki.privateKey().toFile())
          .trustManager(NetworkTrustManager.forServer(pki.ca(), Role.AGGREGATOR))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the site's TLS credentials (" + pki.certificate() + ")", e);
    }
    // a silent aggregator (link down, host gone) ends the session within Keepalive.DEFAULT, not TCP's 15 minutes
    return new FederationClient(Grpc.newChannelBuilderForAddress(aggregator.host(), aggregator.port(), credentials)
        .maxInboundMessageSize(StudyLimits.MAX_MESSAGE_BYTES)
        .keepAliveTime(Keepalive.DEFAULT.idle().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(Keepalive.DEFAULT.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .build(), aggregator.toString(), SessionKeyEndorsement.Signer.fromPem(pki.certificate(), pki.privateKey()),
        SessionKeyEndorsement.Verifier.fromPem(pki.ca()).pinning(peerPins), siteMinSites, ledger);
  }

  /**
   * The site's pins of its peers' certificate keys from its setting {@code fedfhir.federation.peer-pins}:
   * {@code site=sha256hex} separated by commas (blank: none).
   *
   * @throws IllegalArgumentException naming an entry without {@code =}
   */
  public static java.util.Map<String, String> peerPins(String setting) {
    java.util.Map<String, String> pins = new java.util.TreeMap<>();
    if (setting == null || setting.isBlank()) {
      return pins;
    }
    for (String entry : setting.split(",")) {
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("fedfhir.federation.peer-pins entry '" + entry.strip()
            + "': need site=sha256hex (the SHA-256 of the site certificate's SubjectPublicKeyInfo)");
      }
      pins.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
    }
    return pins;
  }

  @Override
  public CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work,
      SiteSession.Disclosure disclosure) {
    SiteSession.Study policed = new SiteSession.Study(study.url(), study.version(), study.definitionDigest(),
        study.modelDimension(), study.policy().withSiteMinSites(siteMinSites));
    SiteSession session = endorsed(new SiteSession(FederationGrpc.newStub(channel), policed, work, new SecureRandom(),
        disclosure));
    if (ledger != null && work instanceof SiteSession.TrainingWork) {
      session.recordingIn(ledger);
    }
    return session.start();
  }

  private SiteSession endorsed(SiteSession session) {
    return signer == null ? session : session.endorsedBy(signer, verifier);
  }

  /** Resets the channel's reconnect backoff: a rejoin after a transport failure connects at once. */
  @Override
  public void reconnectNow() {
    channel.resetConnectBackoff();
  }

  /** Where the client connects. */
  @Override
  public String target() {
    return target;
  }

  /**
   * Why a session failed, for a Task's {@code statusReason}: the gRPC status and its description
   * (the aggregator's refusal, e.g. {@code INVALID_ARGUMENT: DEFINITION_MISMATCH: …}), or that the
   * aggregator could not be reached.
   */
  @Override
  public String describe(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof SiteSession.RoundRefusedException) {
      return t.getMessage() + "; the site left the study and contributed nothing to that round";
    }
    Status s = Status.fromThrowable(t);
    if (s.getCode() == Status.Code.UNKNOWN && s.getDescription() == null) {
      return "federated training failed: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }
    String description = s.getDescription() == null ? "" : ": " + s.getDescription();
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return "the aggregator at " + target + " is unreachable (UNAVAILABLE" + description + ")";
    }
    return "the aggregator at " + target + " refused or ended the session (" + s.getCode() + description + ")";
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
