package org.fedfhir.aggregator.network;

import java.nio.file.Path;
import java.time.Duration;
import org.fedfhir.aggregator.config.AggregatorApplication;
import org.fedfhir.aggregator.config.AggregatorConfiguration.FederationServer;
import org.fedfhir.aggregator.config.AggregatorSettings;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.federation.Strategy;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An aggregator in a process of its own, for tests that kill it: {@code dir} holds the PKI and the
 * H2 database; the study of {@link RealNetworkTest} is registered if new; the gRPC port is printed
 * as {@code PORT n} once it listens.
 */
public final class AggregatorProcess {

  private AggregatorProcess() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ConfigurableApplicationContext ctx = AggregatorApplication.start(new AggregatorSettings("127.0.0.1", 0,
        dir.resolve("db/aggregator").toString(), TlsFiles.inPkiDirectory(dir.resolve("pki"), PartyName.AGGREGATOR),
        Duration.ofSeconds(15), AggregatorSettings.FhirEndpoint.NONE));
    StudyStore store = ctx.getBean(StudyStore.class);
    StudyRef ref = new StudyRef(args[1], args[2]);
    if (store.study(ref).isEmpty()) {
      store.registerStudy(StudyPlan.training(ref, args[3]).strategy(Strategy.FEDAVG).rounds(Integer.parseInt(args[4])).minSites(3).modelDimension(4).build());
    }
    System.out.println("PORT " + ctx.getBean(FederationServer.class).port());
    System.out.flush();
    ctx.getBean(FederationServer.class).awaitTermination();
  }
}
