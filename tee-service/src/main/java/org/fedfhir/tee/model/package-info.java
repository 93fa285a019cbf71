/**
 * The model a study ends with, as the TEE model service holds it: a fixed-schema logistic
 * regression ({@link org.fedfhir.tee.model.LinearModel}) with its canonical binary encoding and
 * SHA-256 digest ({@link org.fedfhir.tee.model.ModelCodec}), and the two sealed plaintexts of a
 * prediction ({@link org.fedfhir.tee.model.FeaturesPayload}, {@link
 * org.fedfhir.tee.model.PredictionPayload}). No Java serialisation, no Tribuo protos: fixed
 * layouts only, so nothing received can name a class to load.
 */
package org.fedfhir.tee.model;
