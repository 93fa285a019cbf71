// What a FedFHIR server offers, by the IG's canonical URLs.

RuleSet: ResourceRead
* rest[0].resource[=].interaction[+].code = #read
* rest[0].resource[=].interaction[+].code = #search-type

Instance: fedfhir-hospital-server
InstanceOf: CapabilityStatement
Usage: #definition
Title: "FedFHIR hospital server"
Description: "A hospital's FHIR server with the FedFHIR plugin (fhir-fl-module): it keeps local copies of studies and their approvals, runs $train, $secure-stats (the site's part: secure-stats-site) and $infer, and writes Tasks, RiskAssessments, Provenance and AuditEvents."
* url = "http://fedfhir.org/fhir/CapabilityStatement/fedfhir-hospital-server"
* version = "0.1.0"
* name = "FedFhirHospitalServer"
* title = "FedFHIR hospital server"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "FedFHIR project"
* description = "What a hospital's FHIR server with the FedFHIR plugin supports. It accepts no inbound calls from the federated network: it connects out to the aggregator. Clinicians' SMART apps call $infer; the data steward approves studies with ResearchStudy."
* kind = #requirements
* fhirVersion = #4.0.1
* format[0] = #json
* format[+] = #xml
* rest[0].mode = #server
* rest[0].documentation = "Operations are POST only; patient data never goes into a URL."
* rest[0].security.cors = true
* rest[0].security.service = http://terminology.hl7.org/CodeSystem/restful-security-service#SMART-on-FHIR
* rest[0].security.description = "OAuth2 bearer access tokens (SMART App Launch 2.2 with PKCE S256 only, SMART Backend Services with private_key_jwt); the endpoints are in [base]/.well-known/smart-configuration. patient/ scopes reach only the launch patient's compartment; user/ scopes what the user's role (clinician, data-steward, researcher, integrator) allows; system/ scopes backend-service clients only. ResearchStudy and Consent writes, $train and $secure-stats: the data-steward role. $infer: patient/RiskAssessment.c with the patient in context, or user/RiskAssessment.c and the clinician role. $export: an integrator's backend-service client with system/*.rs. No valid token: 401; a token lacking the scope or role: 403; both OperationOutcomes, and audited."
* rest[0].resource[+].type = #PlanDefinition
* rest[0].resource[=].profile = Canonical(FederatedStudy)
* rest[0].resource[=].supportedProfile[0] = Canonical(FederatedStatisticsStudy)
* rest[0].resource[=].documentation = "The site's local copies of federated studies; validated against FederatedStudy on create and update."
* insert ResourceRead
* rest[0].resource[=].interaction[+].code = #create
* rest[0].resource[=].interaction[+].code = #update
* rest[0].resource[=].operation[+].name = "train"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/train"
* rest[0].resource[=].operation[+].name = "secure-stats"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/secure-stats-site"
* rest[0].resource[+].type = #ResearchStudy
* rest[0].resource[=].supportedProfile[0] = Canonical(StudyApproval)
* rest[0].resource[=].documentation = "Local approvals of studies by the data steward."
* insert ResourceRead
* rest[0].resource[=].interaction[+].code = #create
* rest[0].resource[=].interaction[+].code = #update
* rest[0].resource[+].type = #Task
* rest[0].resource[=].supportedProfile[0] = Canonical(TrainingTask)
* rest[0].resource[=].documentation = "Training Tasks created by $train (status, round, metrics)."
* insert ResourceRead
* rest[0].resource[+].type = #Patient
* rest[0].resource[=].documentation = "Patients; $infer computes one patient's risk."
* insert ResourceRead
* rest[0].resource[=].operation[+].name = "infer"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/infer"
* rest[0].resource[+].type = #RiskAssessment
* rest[0].resource[=].supportedProfile[0] = Canonical(FederatedRiskAssessment)
* rest[0].resource[=].documentation = "Risk assessments stored by $infer (persist = true)."
* insert ResourceRead
* rest[0].resource[+].type = #Provenance
* rest[0].resource[=].supportedProfile[0] = Canonical(FederatedModelProvenance)
* insert ResourceRead
* rest[0].resource[+].type = #AuditEvent
* rest[0].resource[=].supportedProfile[0] = Canonical(FedFhirAuditEvent)
* rest[0].resource[=].documentation = "One AuditEvent per $train, $secure-stats and $infer call."
* insert ResourceRead

Instance: fedfhir-tee-model-service
InstanceOf: CapabilityStatement
Usage: #definition
Title: "FedFHIR TEE model service"
Description: "The model service inside a trusted execution environment: attestation, provisioning of sealed models, prediction on sealed features."
* url = "http://fedfhir.org/fhir/CapabilityStatement/fedfhir-tee-model-service"
* version = "0.1.0"
* name = "FedFhirTeeModelService"
* title = "FedFHIR TEE model service"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "FedFHIR project"
* description = "The TEE model service's FHIR API: system-level operations only; inputs and outputs of $predict are sealed so that the host operator learns nothing."
* kind = #requirements
* fhirVersion = #4.0.1
* format[0] = #json
* rest[0].mode = #server
* rest[0].security.service = http://terminology.hl7.org/CodeSystem/restful-security-service#Certificates
* rest[0].security.description = "Mutual TLS only, with certificates of the network CA whose subject OU is the party's role: $provision-model the aggregator, $predict sites (per-site and per-study query budgets, 429 when spent), $attestation sites and the aggregator; anything else 403."
* rest[0].operation[+].name = "attestation"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/attestation"
* rest[0].operation[+].name = "provision-model"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/provision-model"
* rest[0].operation[+].name = "predict"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/predict"
