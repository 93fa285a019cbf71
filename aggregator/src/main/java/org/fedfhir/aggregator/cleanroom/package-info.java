/**
 * The researcher's door to the clean room: the aggregator relays a clean-room study's receipt and its
 * result, sealed in the TEE to the researcher's key, from the TEE model service (docs/cleanroom.md).
 * The aggregator cannot open the result; it only passes it on to the study's owner.
 */
package org.fedfhir.aggregator.cleanroom;
