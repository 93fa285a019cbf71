/**
 * Differential privacy whose noise the sites add: the exact discrete Gaussian sampler
 * ({@link org.fedfhir.securecompute.privacy.DiscreteGaussian}, Canonne, Kamath and Steinke 2020),
 * the accounting of the distributed discrete Gaussian mechanism
 * ({@link org.fedfhir.securecompute.privacy.DistributedDiscreteGaussian}, Kairouz, Liu and
 * Steinke 2021) with the conversion from zCDP to (ε, δ)
 * ({@link org.fedfhir.securecompute.privacy.ZeroConcentrated}), and a site's share of a
 * statistics study's noise ({@link org.fedfhir.securecompute.privacy.SiteNoise}), added before
 * masking so that the sum the aggregator unmasks is already private; the same for a training
 * study's rounds ({@link org.fedfhir.securecompute.privacy.TrainingPrivacy},
 * {@link org.fedfhir.securecompute.privacy.PrivateUpdate}), with the accountant that stops a study at
 * its ε ({@link org.fedfhir.securecompute.privacy.ZcdpAccountant}). Nothing here logs.
 */
package org.fedfhir.securecompute.privacy;
