// Examples of what a hospital server writes for the heart-disease study.

Instance: heart-disease-approval
InstanceOf: StudyApproval
Title: "Approval of the heart-disease study at Cleveland"
Description: "The Cleveland data steward's approval of the heart-disease study's content (its study digest): the site reads data for the study while this is active and its copy still has that digest."
Usage: #example
* title = "Heart disease (federated logistic regression): local approval"
* status = #active
* protocol = Reference(PlanDefinition/heart-disease)
* extension[approvedStudyDigest].valueString = "sha256:f4a6700d24290124b8388fc2b6e9969ead7c155c605fd4e5c99009a0a7630041"
* period.start = "2026-11-23"
* description = "Approved by the data steward of Cleveland Clinic Foundation for the FedFHIR demo network."

Instance: heart-disease-training
InstanceOf: TrainingTask
Title: "Training of the heart-disease study, completed"
Description: "A site's training Task after the last round: aggregate metrics and counts only."
Usage: #example
* instantiatesUri = "http://fedfhir.org/fhir/OperationDefinition/train"
* status = #completed
* intent = #order
* focus = Reference(PlanDefinition/heart-disease)
* authoredOn = "2026-11-23T10:00:00Z"
* lastModified = "2026-11-23T10:04:00Z"
* businessStatus.text = "round 20 of 20 completed"
* output[+].type = $training-output#round
* output[=].valueInteger = 20
* output[+].type = $training-output#accuracy
* output[=].valueDecimal = 0.81
* output[+].type = $training-output#auc
* output[=].valueDecimal = 0.88
* output[+].type = $training-output#brier
* output[=].valueDecimal = 0.14
* output[+].type = $training-output#train-count
* output[=].valueInteger = 199
* output[+].type = $training-output#test-count
* output[=].valueInteger = 104
* output[+].type = $training-output#included
* output[=].valueInteger = 303
* output[+].type = $training-output#excluded-consent
* output[=].valueInteger = 0
* output[+].type = $training-output#excluded-criteria
* output[=].valueInteger = 0
* output[+].type = $training-output#missing
* output[=].valueInteger = 6
* output[+].type = $training-output#unconvertible-units
* output[=].valueInteger = 0

Instance: heart-disease-training-failed
InstanceOf: TrainingTask
Title: "Training of the heart-disease study, failed"
Description: "A training Task that failed, with the reason."
Usage: #example
* instantiatesUri = "http://fedfhir.org/fhir/OperationDefinition/train"
* status = #failed
* intent = #order
* focus = Reference(PlanDefinition/heart-disease)
* statusReason.text = "round 7 aborted: 2 sites alive, threshold 3"
* output[+].type = $training-output#round
* output[=].valueInteger = 7

Instance: heart-disease-risk
InstanceOf: FederatedRiskAssessment
Title: "Heart-disease risk of one patient"
Description: "The answer of $infer for one patient: the risk, what it was based on, the study and model."
Usage: #example
* extension[study].valueCanonical = "http://fedfhir.org/fhir/PlanDefinition/heart-disease|1.0.0"
* status = #final
* subject = Reference(Patient/cleveland-1)
* occurrenceDateTime = "2026-11-23T11:00:00Z"
* method = $algorithm#logistic-regression "Logistic regression"
* basis[+] = Reference(Patient/cleveland-1)
* basis[+] = Reference(Observation/cleveland-1-trestbps)
* basis[+] = Reference(Observation/cleveland-1-chol)
* basis[+] = Reference(Observation/cleveland-1-cp)
* prediction[0].outcome = $sct#53741008 "Coronary arteriosclerosis"
* prediction[0].probabilityDecimal = 0.27
* prediction[0].rationale = "Federated logistic regression (heart-disease 1.0.0, 4 sites), computed in an attested TEE."

Instance: heart-disease-risk-provenance
InstanceOf: FederatedModelProvenance
Title: "Provenance of a heart-disease risk"
Description: "Names the study, its version, the round and the number of sites behind the risk (never which patients)."
Usage: #example
* extension[study].valueCanonical = "http://fedfhir.org/fhir/PlanDefinition/heart-disease|1.0.0"
* extension[siteCount].valuePositiveInt = 4
* extension[round].valueUnsignedInt = 20
* target[0] = Reference(RiskAssessment/heart-disease-risk)
* recorded = "2026-11-23T11:00:00Z"
* agent[0].type = $provenance-agent-type#assembler "Assembler"
* agent[0].who.display = "FedFHIR TEE model service"
* entity[0].role = #derivation
* entity[0].what = Reference(PlanDefinition/heart-disease)

Instance: heart-disease-infer-audit
InstanceOf: FedFhirAuditEvent
Title: "Audit of an $infer call"
Description: "The AuditEvent a hospital server writes for $infer: who, which operation, which study and patient, outcome."
Usage: #example
* type = $audit-event-type#rest "RESTful Operation"
* subtype[interaction] = $restful-interaction#operation "operation"
* subtype[operation] = $operation#infer "$infer"
* action = #E
* recorded = "2026-11-23T11:00:00Z"
* outcome = #0
* agent[0].requestor = true
* agent[0].who.display = "Dr. Example (SMART app)"
* source.observer.display = "Cleveland hospital FHIR server"
* entity[study].role = $object-role#20 "Job"
* entity[study].what = Reference(PlanDefinition/heart-disease)
* entity[patient].role = $object-role#1 "Patient"
* entity[patient].what = Reference(Patient/cleveland-1)
