/**
 * The federation's wire: the gRPC API generated from {@code federation.proto}
 * ({@code org.fedfhir.federation.v1}), the mapping between its messages and the values of the
 * secure-aggregation protocol ({@link org.fedfhir.federation.ProtocolCodec}), and the site's side
 * of a study session ({@link org.fedfhir.federation.SiteSession}); and what both sides agree on about
 * a training study's numbers: the {@link org.fedfhir.federation.Strategy} with its
 * {@link org.fedfhir.federation.ModelLayout} or an {@code mlp} study's
 * {@link org.fedfhir.federation.NeuralNetwork} (its flat parameters, seeded start and
 * backpropagation), the payloads sites contribute
 * ({@link org.fedfhir.federation.Payloads}, {@link org.fedfhir.federation.MetricTail}) and the
 * network-wide {@link org.fedfhir.federation.Standardisation}. Shared by the aggregator and the
 * hospital plugin; it knows nothing of Spring, HAPI or Tribuo.
 */
package org.fedfhir.federation;
