/**
 * CDS Hooks 2.0 at the hospital: a {@code patient-view} service ({@code /cds-services}) whose card
 * shows the patient's risk from a study's model, computed through {@code $infer}'s own path, with an
 * indicator by risk bands, the study and the TEE's evidence as its source, and a SMART link that
 * launches the risk app. Calls are authenticated as CDS Hooks says: a JWT signed by an EHR the site
 * trusts, verified against that EHR's JWKS ({@link org.fedfhir.fhir.cds.EhrJwtVerifier}).
 */
package org.fedfhir.fhir.cds;
