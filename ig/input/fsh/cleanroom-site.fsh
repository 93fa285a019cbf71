// ---------------------------------------------------------------- the site's $clean-room
// A hospital server delivers its rows of a clean-room study (cleanroom.fsh) to the attested TEE: the
// site's part, started by its data steward. The TEE's own operations ($clean-room-submit,
// $clean-room-result) are the TEE model service's.
Instance: clean-room-site
InstanceOf: OperationDefinition
Usage: #definition
Title: "$clean-room (site)"
Description: "A site delivers its rows of a clean-room study to the TEE: POST [site]/PlanDefinition/{id}/$clean-room."
* url = "http://fedfhir.org/fhir/OperationDefinition/clean-room-site"
* version = "0.1.0"
* name = "CleanRoomSite"
* title = "$clean-room (site)"
* status = #active
* kind = #operation
* code = #clean-room
* publisher = "FedFHIR project"
* description = "On a hospital server (fhir-fl-module): the site checks its copy of the clean-room study (study kind clean-room, status active, approved by an active StudyApproval naming its current study digest, which covers the program's SHA-256: a changed module is not approved), extracts its cohort as for training (codes, UCUM units, consent, criteria) into rows of the study's features in order, then label (a missing value is NaN where the study imputes, the patient left out where it drops), verifies the TEE model service's attestation against the site's policy (trusted measurements; for Nitro the PCRs), seals the rows with HPKE to the attested enclave key, bound to the study digest, the program's SHA-256 and the site, and delivers them with the TEE's $clean-room-submit over mutual TLS. Answers 200 with the TEE's Parameters (studyDigest, delivered, needed, ran). Refusals, each an OperationOutcome: 403 study not approved at its current digest, 422 not a clean-room study or not active, 501 no TEE configured, 502 attestation failed (issue code attestation-failed; no row was sent) or TEE unreachable, 409 this site already delivered, 422 refused by the TEE (its code named). The site records an AuditEvent (subtype clean-room-delivery: study digest, program SHA-256, record count rounded to 5, outcome) and, when the TEE's $clean-room-result gives the run's receipt (polled until a deadline), another (subtype clean-room-result: program SHA-256, SHA-256 of the released output, sites pooled, or the failure code); never a row or a value. POST only. Requires the data-steward role and user/PlanDefinition.r (or wider) (a user access token; otherwise 401 without a valid token, 403 without the role or scope, each an OperationOutcome)."
* affectsState = true
* resource[0] = #PlanDefinition
* system = false
* type = false
* instance = true
* insert Param(studyDigest, out, 1, 1, string, [[The study digest the TEE computed from the PlanDefinition the site sent (the one its steward approved).]])
* insert Param(delivered, out, 1, 1, integer, [[How many sites have delivered rows for this study digest, this one included.]])
* insert Param(needed, out, 1, 1, integer, [[How many sites the run needs (the study's min-sites).]])
* insert Param(ran, out, 1, 1, boolean, [[Whether the program has run (this delivery reached the minimum).]])
