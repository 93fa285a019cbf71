/**
 * The TEE model service's lean prediction path over gRPC (mutual TLS, protobuf): the server with
 * its caller interceptor and the {@code SealedPredict} service, a thin edge over
 * {@link org.fedfhir.tee.enclave.EnclaveSessions}. The generated messages live in
 * {@code org.fedfhir.tee.grpc.v1} ({@code fedfhir/tee/v1/sealed_predict.proto}).
 */
package org.fedfhir.tee.grpc;
