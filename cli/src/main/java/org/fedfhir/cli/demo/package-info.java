/**
 * {@code ./fedfhir demo}: a local FedFHIR network (network CA, aggregator, four hospital FHIR servers
 * with the UCI Heart Disease centres) driven over FHIR REST as an integrator would, with the report:
 * local-only and federated test accuracy per centre beside a pooled reference the demo computes itself
 * and FLamby's published figures; then {@code $infer} for a few patients per hospital through a
 * simulated TEE model service and a secure statistics study. Owns the orchestration ({@code DemoRun},
 * {@code DemoNetwork}, {@code TrainingDriver}, {@code InferenceDriver}, {@code StatisticsDriver}) and the
 * report's shapes ({@code DemoReport}, {@code ReportWriter}); the
 * servers, training and aggregation are the other modules', reached only through their commands
 * and FHIR APIs.
 */
package org.fedfhir.cli.demo;
