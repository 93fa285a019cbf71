// The FedFHIR profiles. The study format is the contract of docs/study-format.md.

Profile: FederatedStudy
Parent: PlanDefinition
Id: FederatedStudy
Title: "Federated study"
Description: "A federated study: the model (or statistics) a network of hospitals computes together. Features are action.input DataRequirements, the label is the single action.output, the algorithm, parameters, missing-value policy and cohort criteria are extensions. Sites join a study by url and version and train only on active studies."
* obeys fs-algorithm and fs-feature-names and fs-parameter-names and fs-threshold and fs-input-type and fs-input-code and fs-patient-feature and fs-label
* url 1..1
* url ^short = "The study's canonical URL (sites join by url + version)"
* version 1..1
* name 1..1
* title 1..1
* status ^short = "A site trains only on active studies"
* type 1..1
* type = $plan-definition-type#workflow-definition
* extension contains
    StudyKindExtension named studyKind 1..1 and
    AlgorithmExtension named algorithm 0..1 and
    StudyParameterExtension named parameter 0..* and
    MissingValuePolicyExtension named missingValuePolicy 1..1 and
    CohortCriteriaExtension named cohort 0..1 and
    DisclosureControlExtension named disclosureControl 0..1 and
    RiskBandsExtension named riskBands 0..1
* extension[riskBands] ^short = "Training studies: the bands a risk is shown by (low below, high from)"
* extension[disclosureControl] ^short = "Statistics studies: minimum cell count, records bound, ε budget"
* extension[algorithm] ^short = "Algorithm (1..1 for training studies, fs-algorithm)"
* action 1..1
* action ^short = "Exactly one action: the model"
* action.extension contains StatisticExtension named statistic 0..*
* action.extension[statistic] ^short = "Statistics studies: one statistic each, in the order of the concatenated vector"
* action.input 1..*
* action.input ^short = "One DataRequirement per feature"
* action.input.extension contains FeatureExtension named feature 1..1
* action.input.type ^short = "Observation | Condition (1 if present, else 0) | Patient (age, sex)"
* action.input.codeFilter ^short = "codeFilter[0]: path = 'code', code = the feature's Coding (not for Patient)"
* action.output 1..1
* action.output ^short = "Exactly one output: the label"
* action.output.type = #Condition
* action.output.codeFilter 1..*
* action.output.codeFilter.path 1..1
* action.output.codeFilter.path = "code"
* action.output.codeFilter.code 1..*

Profile: StudyApproval
Parent: ResearchStudy
Id: StudyApproval
Title: "Study approval"
Description: "A site's local approval of a federated study by its data steward: a ResearchStudy whose protocol is the site's copy of the study PlanDefinition and whose approved-study-digest names the study digest of the content approved. A site reads data for a study only while an active approval names the digest of its current copy: approval binds content, not an id, so a PUT that changes the study (cohort, features, parameters) needs a new approval."
* status ^short = "active: the site takes part; any other status: no data is read"
* protocol 1..1
* protocol only Reference(FederatedStudy)
* protocol ^short = "Reference(PlanDefinition/{id}) of the site's copy of the study"
* extension contains ApprovedStudyDigestExtension named approvedStudyDigest 1..1
* extension[approvedStudyDigest] ^short = "The study digest of the PlanDefinition content approved (sha256:<hex>)"

Profile: TrainingTask
Parent: Task
Id: TrainingTask
Title: "Training task"
Description: "Tracks a site's part in a study started by $train (FHIR asynchronous pattern): status, round, progress and aggregate metrics."
* obeys tt-failed and tt-output-count and tt-output-metric
* instantiatesUri 1..1
* instantiatesUri = "http://fedfhir.org/fhir/OperationDefinition/train" (exactly)
* instantiatesUri ^short = "The $train OperationDefinition"
* status from TrainingTaskStatusVS (required)
* status ^short = "requested | in-progress | completed | failed"
* intent = #order
* focus 1..1
* focus only Reference(FederatedStudy)
* focus ^short = "The study (PlanDefinition) being trained"
* businessStatus.text ^short = "Progress, readable"
* statusReason.text ^short = "Why the Task failed"
* output.type from TrainingOutputVS (required)
* output.value[x] only integer or decimal
* output ^short = "Outputs named by training-output codes: round and aggregate counts and metrics"

ValueSet: TrainingTaskStatusVS
Id: training-task-status
Title: "Training task status"
Description: "The statuses a training Task goes through: requested → in-progress → completed | failed."
* ^status = #active
* ^experimental = false
* $task-status#requested
* $task-status#in-progress
* $task-status#completed
* $task-status#failed

Profile: FederatedRiskAssessment
Parent: RiskAssessment
Id: FederatedRiskAssessment
Title: "Federated risk assessment"
Description: "The answer of $infer: one patient's risk from a study's model, computed inside the attested TEE. basis names the resources the features were read from; a Provenance (FederatedModelProvenance) records the study, its version and the number of sites."
* obeys ra-probability
* extension contains StudyReferenceExtension named study 1..1
* extension[study] ^short = "The study (canonical url|version) whose model produced the risk"
* status from http://hl7.org/fhir/ValueSet/observation-status (required)
* subject only Reference(Patient)
* occurrence[x] 1..1
* occurrence[x] only dateTime
* method 1..1
* method from AlgorithmVS (extensible)
* method ^short = "The model's algorithm"
* basis 1..*
* basis only Reference(Observation or Condition or Patient)
* basis ^short = "The Observations, Conditions and Patient the features were read from"
* prediction 1..1
* prediction.outcome 1..1
* prediction.outcome ^short = "The label's condition (e.g. SNOMED 53741008)"
* prediction.probability[x] 1..1
* prediction.probability[x] only decimal

Profile: FederatedModelProvenance
Parent: Provenance
Id: FederatedModelProvenance
Title: "Federated model provenance"
Description: "Provenance of a model or of a result computed with it: the study and its version, the round and the number of sites that contributed (never which patients)."
* extension contains
    StudyReferenceExtension named study 1..1 and
    SiteCountExtension named siteCount 1..1 and
    ModelRoundExtension named round 0..1 and
    ModelPerformanceExtension named performance 0..1
* target 1..*
* agent 1..*
* agent.who 1..1
* entity 0..*

Profile: FedFhirAuditEvent
Parent: AuditEvent
Id: FedFhirAuditEvent
Title: "FedFHIR audit event"
Description: "The AuditEvent written for every run of $train, $infer, $secure-stats and the TEE operations: who called which operation on which study (and for $infer which patient), when, and with what outcome."
* type = $audit-event-type#rest
* subtype 2..*
* subtype ^slicing.discriminator.type = #value
* subtype ^slicing.discriminator.path = "system"
* subtype ^slicing.rules = #open
* subtype contains interaction 1..1 and operation 1..1
* subtype[interaction].system 1..1
* subtype[interaction].system = $restful-interaction (exactly)
* subtype[interaction].code 1..1
* subtype[interaction].code = #operation (exactly)
* subtype[operation] from OperationVS (required)
* subtype[operation].system 1..1
* subtype[operation].system = $operation (exactly)
* action 1..1
* action = #E
* outcome 1..1
* agent 1..*
* agent.requestor 1..1
* source.observer 1..1
* entity ^slicing.discriminator.type = #pattern
* entity ^slicing.discriminator.path = "role"
* entity ^slicing.rules = #open
* entity contains study 0..1 and patient 0..1
* entity[study].role = $object-role#20
* entity[study].what 1..1
* entity[study].what only Reference(PlanDefinition)
* entity[patient].role = $object-role#1
* entity[patient].what 1..1
* entity[patient].what only Reference(Patient)
