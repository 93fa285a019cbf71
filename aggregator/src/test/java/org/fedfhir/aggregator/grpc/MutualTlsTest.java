package org.fedfhir.aggregator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.StudyLimits;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.aggregator.pki.CertificateAuthority;
import org.fedfhir.aggregator.pki.Credentials;
import org.fedfhir.aggregator.pki.PemFiles;
import org.fedfhir.aggregator.pki.RevocationList;
import org.fedfhir.aggregator.pki.TlsMaterial;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Federation service over real gRPC with mutual TLS on loopback. */
class MutualTlsTest {

  private static final String DIGEST = "42".repeat(32);
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/hd", "1");

  private static CertificateAuthority ca;
  private static java.security.cert.X509Certificate aggregatorCertificate;
  private static Server server;

  @BeforeAll
  static void startAggregator() throws Exception {
    ca = CertificateAuthority.create("test network");
    Credentials aggregator = ca.issue("aggregator");
    aggregatorCertificate = aggregator.certificate();
    server = MutualTls.startServer(TlsMaterial.of(aggregator, ca.certificate()),
        new InetSocketAddress("127.0.0.1", 0), federationWithTheStudy());
  }

  /** The Federation service with the study registered (needs three sites: no round starts). */
  private static FederationService federationWithTheStudy() {
    InMemoryStudyStore store = new InMemoryStudyStore();
    store.registerStudy(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(3).modelDimension(2).proximalMu(0).build());
    SecureSum never = setup -> {
      throw new AssertionError("no round starts with one site");
    };
    StageTimer noTimer = (delay, task) -> () -> {};
    Coordinators coordinators = Coordinators.startUp(store, never, noTimer, Clock.systemUTC(),
        Duration.ofSeconds(30), FixedPointEncoding.getDefaultInstance()).coordinators();
    return new FederationService(coordinators);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Opens a session, sends Join and returns the first thing that comes back. */
  private static Object firstReply(ChannelCredentials credentials) throws Exception {
    return firstReply(credentials, new byte[32]);
  }

  /** Opens a session, sends Join with this signing key and returns the first thing that comes back. */
  private static Object firstReply(ChannelCredentials credentials, byte[] signingKey) throws Exception {
    return firstReply(Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), credentials).build(),
        signingKey);
  }

  /** Sends Join over the channel and returns the first thing that comes back; shuts the channel down. */
  private static Object firstReply(ManagedChannel channel, byte[] signingKey) throws Exception {
    try {
      CompletableFuture<Object> reply = new CompletableFuture<>();
      StreamObserver<SiteMessage> out = FederationGrpc.newStub(channel).session(new StreamObserver<>() {
        @Override
        public void onNext(AggregatorMessage m) {
          reply.complete(m);
        }

        @Override
        public void onError(Throwable t) {
          reply.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          reply.complete(Status.OK);
        }
      });
      out.onNext(SiteMessage.newBuilder().setJoin(Join.newBuilder().setStudyUrl(STUDY.url())
          .setStudyVersion(STUDY.version()).setModelDimension(2).setSigningPublicKey(ByteString.copyFrom(signingKey))
          .setDefinitionDigest(ByteString.copyFrom(HexFormat.of().parseHex(DIGEST)))).build());
      return reply.get(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void siteWithACertificateOfTheNetworkCaIsAcceptedAndIdentifiedByItsCommonName() throws Exception {
    TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

    Object reply = firstReply(MutualTls.channelCredentials(site));

    assertThat(reply).isInstanceOf(AggregatorMessage.class);
    assertThat(((AggregatorMessage) reply).getJoined().getSiteName()).isEqualTo("cleveland");
  }

  @Test
  void siteWithACertificateOfAnotherCaIsRefused() throws Exception {
    CertificateAuthority rogue = CertificateAuthority.create("rogue");
    Credentials impostor = rogue.issue("cleveland");
    ChannelCredentials creds = TlsChannelCredentials.newBuilder()
        .keyManager(stream(PemFiles.certificatePem(impostor.certificate())),
            stream(PemFiles.privateKeyPem(impostor.privateKey())))
        .trustManager(stream(PemFiles.certificatePem(ca.certificate())))
        .build();

    Object reply = firstReply(creds);

    assertThat(reply).isInstanceOf(Status.class);
    assertThat(((Status) reply).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void siteWithoutAClientCertificateIsRefused() throws Exception {
    ChannelCredentials creds = TlsChannelCredentials.newBuilder()
        .trustManager(stream(PemFiles.certificatePem(ca.certificate())))
        .build();

    Object reply = firstReply(creds);

    assertThat(reply).isInstanceOf(Status.class);
    assertThat(((Status) reply).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void siteRefusesAServerThatPresentsASiteCertificateOfTheNetworkCa() throws Exception {
    // a hospital of the network (or whoever stole its key) poses as the aggregator
    TlsMaterial impostor = TlsMaterial.of(ca.issue("mercy"), ca.certificate());
    Server fake = MutualTls.startServer(impostor, new InetSocketAddress("127.0.0.1", 0),
        federationWithTheStudy());
    try {
      TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

      Object reply = firstReply(MutualTls.channel(site, "127.0.0.1", fake.getPort()), new byte[32]);

      assertThat(reply).isInstanceOf(Status.class);
      Status status = (Status) reply;
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(causes(status.getCause())).contains("has role site, not aggregator");
    } finally {
      fake.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void siteChannelAcceptsTheAggregatorsCertificate() throws Exception {
    TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

    Object reply = firstReply(MutualTls.channel(site, "127.0.0.1", server.getPort()), new byte[32]);

    assertThat(reply).isInstanceOf(AggregatorMessage.class);
  }

  @Test
  void aggregatorRefusesARevokedSiteAndAcceptsTheOthers() throws Exception {
    Credentials revoked = ca.issue("mercy");
    TlsMaterial withCrl = TlsMaterial.of(ca.issue("aggregator"), ca.certificate())
        .withRevocations(RevocationList.revoke(ca, null, revoked.certificate()));
    Server guarded = MutualTls.startServer(withCrl, new InetSocketAddress("127.0.0.1", 0),
        federationWithTheStudy());
    try {
      Object refused = firstReply(MutualTls.channel(TlsMaterial.of(revoked, ca.certificate()), "127.0.0.1",
          guarded.getPort()), new byte[32]);
      Object accepted = firstReply(MutualTls.channel(TlsMaterial.of(ca.issue("cleveland"), ca.certificate()),
          "127.0.0.1", guarded.getPort()), new byte[32]);

      assertThat(refused).isInstanceOf(Status.class);
      assertThat(((Status) refused).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(accepted).isInstanceOf(AggregatorMessage.class);
      assertThat(((AggregatorMessage) accepted).getJoined().getSiteName()).isEqualTo("cleveland");
    } finally {
      guarded.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void siteRefusesAServerWhoseCertificateSaysSiteInItsSanEvenWithAggregatorInItsOu() throws Exception {
    // a certificate of the network CA whose OU claims the aggregator while its SAN role says site
    Credentials mixed = mixedRoleCertificate("aggregator", "site");
    Server fake = MutualTls.startServer(TlsMaterial.of(mixed, ca.certificate()), new InetSocketAddress("127.0.0.1", 0),
        federationWithTheStudy());
    try {
      TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

      Object reply = firstReply(MutualTls.channel(site, "127.0.0.1", fake.getPort()), new byte[32]);

      assertThat(reply).isInstanceOf(Status.class);
      assertThat(((Status) reply).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(causes(((Status) reply).getCause())).contains("has role none, not aggregator");
    } finally {
      fake.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void siteChannelRefusesARevokedAggregator() throws Exception {
    TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate())
        .withRevocations(RevocationList.revoke(ca, null, aggregatorCertificate));

    Object reply = firstReply(MutualTls.channel(site, "127.0.0.1", server.getPort()), new byte[32]);

    assertThat(reply).isInstanceOf(Status.class);
    assertThat(((Status) reply).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  /** A certificate signed by the network CA with {@code ou} as subject OU and {@code sanRole} as SAN role URI. */
  private static Credentials mixedRoleCertificate(String ou, String sanRole) throws Exception {
    var keys = java.security.KeyPairGenerator.getInstance("EC");
    keys.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    var pair = keys.generateKeyPair();
    var now = java.time.Instant.now();
    var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(ca.certificate(), java.math.BigInteger.TEN,
        java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plusSeconds(3600)),
        new org.bouncycastle.asn1.x500.X500Name("O=FedFHIR network,OU=" + ou + ",CN=aggregator"), pair.getPublic());
    b.addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
        new org.bouncycastle.asn1.x509.ExtendedKeyUsage(new org.bouncycastle.asn1.x509.KeyPurposeId[] {
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth, org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth}));
    b.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
        new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName[] {
            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier,
                "urn:fedfhir:role:" + sanRole),
            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")}));
    var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
        .build(ca.credentials().privateKey());
    return new Credentials(new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(b.build(signer)),
        pair.getPrivate());
  }

  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static java.io.InputStream stream(String pem) {
    return new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void aMessageLongerThanTheLimitIsRefusedAtTheEdge() throws Exception {
    TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

    Object reply = firstReply(MutualTls.channelCredentials(site), new byte[StudyLimits.MAX_MESSAGE_BYTES + 1]);

    assertThat(reply).isInstanceOf(Status.class);
    assertThat(((Status) reply).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void aMessageOfAFullLengthVectorPassesTheEdge() throws Exception {
    // gRPC's default would refuse anything over 4 MiB: a study within the limits would fail mid-run
    TlsMaterial site = TlsMaterial.of(ca.issue("cleveland"), ca.certificate());

    Object reply = firstReply(MutualTls.channelCredentials(site), new byte[8 * StudyLimits.MAX_VECTOR_LENGTH]);

    if (reply instanceof Status status) {
      assertThat(status.getCode()).isNotEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
  }
}
