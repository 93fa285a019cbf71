// The FedFHIR operations, exactly as docs/study-format.md lists them.
// Hospital server: $train, $infer, $infer-batch. Aggregator: $secure-stats. TEE model service: $attestation, $provision-model, $predict.

RuleSet: FedFhirOperation(code, name, title)
* url = "http://fedfhir.org/fhir/OperationDefinition/{code}"
* version = "0.1.0"
* name = "{name}"
* title = "{title}"
* status = #active
* kind = #operation
* code = #{code}
* publisher = "FedFHIR project"

RuleSet: Param(name, use, min, max, type, documentation)
* parameter[+].name = #{name}
* parameter[=].use = #{use}
* parameter[=].min = {min}
* parameter[=].max = "{max}"
* parameter[=].type = #{type}
* parameter[=].documentation = "{documentation}"

Instance: train
InstanceOf: OperationDefinition
Usage: #definition
Title: "$train"
Description: "Starts this site's part in a training study: POST [site]/PlanDefinition/{id}/$train."
* insert FedFhirOperation(train, Train, $train)
* description = "Starts this site's part in the training study (the PlanDefinition, profile FederatedStudy). POST only. Long running: the server answers 202 Accepted with Content-Location of the TrainingTask that tracks status, round and metrics (FHIR asynchronous pattern); the Task is also the operation's return value. The site reads data only if an active StudyApproval (ResearchStudy) has this PlanDefinition as protocol and names its current study digest (403 otherwise, also after a PUT that changed the study since approval). Requires the data-steward role and user/PlanDefinition.r (or wider) (a user access token; otherwise 401 without a valid token, 403 without the role or scope, each an OperationOutcome)."
* affectsState = true
* resource[0] = #PlanDefinition
* system = false
* type = false
* instance = true
* insert Param(mode, in, 0, 1, code, [[local: train on this site's data only; federated (default): join the study at the aggregator.]])
* parameter[=].binding.strength = #required
* parameter[=].binding.valueSet = Canonical(TrainModeVS)
* insert Param(return, out, 1, 1, Task, [[The TrainingTask tracking this site's part in the study.]])

Instance: infer
InstanceOf: OperationDefinition
Usage: #definition
Title: "$infer"
Description: "Risk of one patient from a study's model in the TEE: POST [site]/Patient/{id}/$infer."
* insert FedFhirOperation(infer, Infer, $infer)
* description = "Extracts the patient's features exactly as in training, checks the TEE model service's attestation against the site's policy, seals the features to the enclave key, calls $predict and opens the sealed answer. Returns a FederatedRiskAssessment (basis: the resources used); stores it if persist is true. POST only: patient data never goes into a URL. Requires patient/RiskAssessment.c with that patient in context (clinician or the patient), or user/RiskAssessment.c and the clinician role (otherwise 401 without a valid token, 403 without the scope or role, each an OperationOutcome)."
* affectsState = true
* resource[0] = #Patient
* system = false
* type = false
* instance = true
* insert Param(study, in, 1, 1, canonical, [[The study (canonical URL, optionally |version) whose model to use.]])
* parameter[=].targetProfile = Canonical(FederatedStudy)
* insert Param(persist, in, 0, 1, boolean, [[Store the RiskAssessment (and its Provenance) in the site's server (default false).]])
* insert Param(return, out, 1, 1, RiskAssessment, [[The patient's risk (profile FederatedRiskAssessment).]])

Instance: infer-batch
InstanceOf: OperationDefinition
Usage: #definition
Title: "$infer-batch"
Description: "Risks of a ward list from a study's model in the TEE, in one call: POST [site]/Patient/$infer-batch."
* insert FedFhirOperation(infer-batch, InferBatch, $infer-batch)
* description = "Batch $infer for a ward list: the risk of each patient named (patient) or of each Patient member of a Group (group), in one call. The study, its approval, the model and the TEE's attestation are checked once; then each patient is scored as $infer scores one. Returns a Bundle of type batch-response with one entry per patient in the order asked: response.status 200 OK (201 Created with persist) and the patient's FederatedRiskAssessment, or the status of that patient's refusal (404, 403, 422, 429) with its OperationOutcome in response.outcome. Only a refusal of the whole call is an HTTP error: no patient or more than 1000 (400), the study, its model or the TEE (as $infer), a Group the caller may not read or one of its members the caller may not read (403: the Group and its members are read with the caller's own rights). POST only. Requires user/RiskAssessment.c and the clinician role in a token without a launch patient (otherwise 401 without a valid token, 403, each an OperationOutcome). Its own code, not a type-level $infer: a server derives one OperationDefinition per operation name."
* affectsState = true
* resource[0] = #Patient
* system = false
* type = true
* instance = false
* insert Param(study, in, 1, 1, canonical, [[The study (canonical URL, optionally |version) whose model to use.]])
* parameter[=].targetProfile = Canonical(FederatedStudy)
* insert Param(patient, in, 0, 1000, Reference, [[A patient to score (Patient reference); with group, these come first.]])
* parameter[=].targetProfile = "http://hl7.org/fhir/StructureDefinition/Patient"
* insert Param(group, in, 0, 1, Reference, [[A Group whose Patient members to score, in the Group's order (other members are left out).]])
* parameter[=].targetProfile = "http://hl7.org/fhir/StructureDefinition/Group"
* insert Param(persist, in, 0, 1, boolean, [[Store each RiskAssessment (and its Provenance) in the site's server (default false).]])
* insert Param(return, out, 1, 1, Bundle, [[A batch-response Bundle: one entry per patient, in the order asked.]])

Instance: secure-stats
InstanceOf: OperationDefinition
Usage: #definition
Title: "$secure-stats"
Description: "Aggregate statistics of a statistics study: POST [aggregator]/PlanDefinition/{id}/$secure-stats."
* insert FedFhirOperation(secure-stats, SecureStats, $secure-stats)
* description = "Runs a statistics study (study kind statistics) at the aggregator: every site computes local sufficient statistics, they are combined by secure aggregation and only totals across sites are returned, with small-cell suppression. POST only. Requires a researcher (token role or client certificate OU=researcher); only the study's owner — who first published it — may replace or retire it or receive its releases (otherwise 401 without a valid token or certificate, 403, each an OperationOutcome)."
* affectsState = true
* resource[0] = #PlanDefinition
* system = false
* type = false
* instance = true
* insert Param(return, out, 1, 1, Parameters, [[The aggregate statistics across sites.]])

Instance: attestation
InstanceOf: OperationDefinition
Usage: #definition
Title: "$attestation"
Description: "Attestation evidence of the TEE model service: POST [tee]/$attestation."
* insert FedFhirOperation(attestation, Attestation, $attestation)
* description = "Returns the TEE model service's attestation evidence over the caller's nonce (binding the enclave's sealing key), so that a site can check it against its policy before sealing features to the enclave. Requires a site's or the aggregator's certificate (mutual TLS with a certificate of the network CA)."
* affectsState = false
* system = true
* type = false
* instance = false
* insert Param(nonce, in, 1, 1, base64Binary, [[Caller's fresh nonce, bound into the evidence.]])
* insert Param(evidence, out, 1, 1, base64Binary, [[The attestation document.]])
* insert Param(format, out, 1, 1, code, [[The evidence format.]])

Instance: provision-model
InstanceOf: OperationDefinition
Usage: #definition
Title: "$provision-model"
Description: "Provisions a study's final model, sealed to the enclave key, into the TEE model service: POST [tee]/$provision-model."
* insert FedFhirOperation(provision-model, ProvisionModel, $provision-model)
* description = "The aggregator provisions a study's final model, sealed to the attested enclave key, so that its weights exist in plaintext only inside the aggregator's memory and the enclave. Requires the aggregator's certificate (mutual TLS; a certificate of the network CA with OU aggregator). One model per study, at most the service's maximum of studies (507 beyond)."
* affectsState = true
* system = true
* type = false
* instance = false
* insert Param(sealedModel, in, 1, 1, base64Binary, [[The model's weight vector, sealed to the enclave key.]])
* insert Param(study, in, 1, 1, canonical, [[The study (canonical URL|version) the model belongs to.]])
* parameter[=].targetProfile = Canonical(FederatedStudy)
* insert Param(modelDigest, in, 1, 1, string, [[Digest of the plaintext model, checked inside the enclave.]])
* insert Param(precision, in, 0, 1, integer, [[Decimals (1-6, default 3) the enclave rounds this model's probabilities to before sealing them.]])
* insert Param(return, out, 1, 1, OperationOutcome, [[The outcome of provisioning.]])

Instance: predict
InstanceOf: OperationDefinition
Usage: #definition
Title: "$predict"
Description: "Prediction on sealed features inside the TEE model service: POST [tee]/$predict."
* insert FedFhirOperation(predict, Predict, $predict)
* description = "Opens the sealed features inside the enclave, applies the study's model and returns the prediction sealed to the caller. The host operator learns neither input nor output. POST only. Requires a site's certificate (mutual TLS; a certificate of the network CA with OU site); per-site and per-study query budgets (429 when spent); probabilities rounded to the study's precision (3 decimals by default), as provisioned with the model."
* affectsState = true
* system = true
* type = false
* instance = false
* insert Param(sealedFeatures, in, 1, 1, base64Binary, [[The feature vector, sealed to the enclave key.]])
* insert Param(study, in, 1, 1, canonical, [[The study (canonical URL|version) whose model to apply.]])
* parameter[=].targetProfile = Canonical(FederatedStudy)
* insert Param(modelDigest, in, 1, 1, string, [[Digest of the model the caller expects.]])
* insert Param(requestId, in, 1, 1, string, [[Caller's request id, bound into the sealed answer.]])
* insert Param(sealedPrediction, out, 1, 1, base64Binary, [[The prediction, sealed to the caller.]])
