/**
 * Aggregation strategies: pure functions from (global model, securely aggregated sum, round counts,
 * server state) to the next global model and server state. No I/O, no clocks, no randomness. Each
 * implements one {@link org.fedfhir.federation.Strategy} of the shared federation API, which fixes
 * the model layout and the payload the sites send.
 *
 * <p>Secure aggregation (Bonawitz et al., CCS 2017) hands a strategy only the <em>sum</em> of the
 * sites' payloads, never one site's; the sites lay out their payloads with
 * {@link org.fedfhir.federation.Payloads}. Dropouts are part of every signature through
 * {@link org.fedfhir.aggregator.strategy.RoundCounts}.
 *
 * <ul>
 *   <li>{@link org.fedfhir.aggregator.strategy.FedAvg}: McMahan et al., "Communication-Efficient
 *       Learning of Deep Networks from Decentralized Data", AISTATS 2017.</li>
 *   <li>{@link org.fedfhir.aggregator.strategy.FedProx}: Li et al., "Federated Optimization in
 *       Heterogeneous Networks", MLSys 2020.</li>
 *   <li>{@link org.fedfhir.aggregator.strategy.AdaptiveServerOptimizer}: FedAdam, FedAdagrad, FedYogi
 *       of Reddi et al., "Adaptive Federated Optimization", ICLR 2021.</li>
 *   <li>{@link org.fedfhir.aggregator.strategy.FederatedNewton}: exact Newton–Raphson for logistic
 *       regression from summed gradients and Hessians.</li>
 * </ul>
 */
package org.fedfhir.aggregator.strategy;
