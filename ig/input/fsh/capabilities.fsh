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
* rest[0].security.description = "SMART on FHIR (see the guide's page Security: parties, roles, scopes). OAuth2 bearer access tokens: SMART App Launch 2.2 for clinicians' apps (authorization code with PKCE S256 only; EHR launch or standalone launch/patient; openid fhirUser), SMART Backend Services for integrators' systems (client_credentials with private_key_jwt, ES384/RS384), user tokens with roles (claim fedfhir_roles: clinician, data-steward, researcher, integrator) for data stewards and researchers; aud = this server's FHIR base URL. The authorisation server's endpoints are in [base]/.well-known/smart-configuration (and the oauth-uris extension). GET [base]/metadata and [base]/.well-known/smart-configuration: nothing. patient/ scopes reach only the launch patient's compartment (clinician or that patient); user/ scopes only what the user's role allows (clinician: Patient, Observation, Condition, Encounter, Practitioner, Provenance, PlanDefinition, Consent, Group, RiskAssessment; data-steward: every type; researcher: PlanDefinition, ResearchStudy, Task; integrator: every type but ResearchStudy, Task, AuditEvent); system/ scopes backend-service clients only. Create/update of clinical data and transactions: integrator (user/ or system/ scopes), never ResearchStudy, Consent, PlanDefinition, Task, AuditEvent. Installing a study (POST PlanDefinition, PUT PlanDefinition/{id}): researcher or data-steward with user/PlanDefinition.cu. ResearchStudy create/update (approving a study) and Consent writes: data-steward only. $train, $secure-stats and $clean-room: data-steward role and user/PlanDefinition.r (or wider). $infer: patient/RiskAssessment.c with that patient in context (clinician or the patient), or user/RiskAssessment.c and the clinician role. $infer-batch: user/RiskAssessment.c and the clinician role in a token without a launch patient; its Group and the Group's members readable by the caller. $export, $export-poll-status: a backend-services client with the integrator role and system/*.rs. Every other operation and multiple delete: refused (403; $expunge and multiple delete are off). No or invalid token: 401 with WWW-Authenticate: Bearer; a valid caller lacking the scope or role: 403; always an OperationOutcome, and every refusal is audited (AuditEvent outcome 4 naming the caller or anonymous)."
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
* rest[0].resource[=].operation[+].name = "clean-room"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/clean-room-site"
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
* rest[0].resource[=].documentation = "Patients; $infer computes one patient's risk, $infer-batch those of a ward list."
* insert ResourceRead
* rest[0].resource[=].operation[+].name = "infer"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/infer"
* rest[0].resource[=].operation[+].name = "infer-batch"
* rest[0].resource[=].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/infer-batch"
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
* rest[0].security.description = "Mutual TLS only, with certificates of the network CA whose subject OU is the party's role: $provision-model the aggregator, $predict sites (per-site and per-study query budgets, 429 when spent; probabilities rounded to the study's precision, 3 decimals by default), $attestation sites and the aggregator; anything else 403. See the guide's page Security: parties, roles, scopes."
* rest[0].operation[+].name = "attestation"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/attestation"
* rest[0].operation[+].name = "provision-model"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/provision-model"
* rest[0].operation[+].name = "predict"
* rest[0].operation[=].definition = "http://fedfhir.org/fhir/OperationDefinition/predict"
