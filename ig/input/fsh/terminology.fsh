// FedFHIR's own code systems, each with the value set of all its codes.

RuleSet: FedFhirCodeSystem
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* ^content = #complete

RuleSet: FedFhirValueSet
* ^status = #active
* ^experimental = false

// ---------------------------------------------------------------- study kind
CodeSystem: StudyKindCS
Id: study-kind
Title: "FedFHIR study kind"
Description: "What a federated study computes: a prediction model or aggregate statistics."
* insert FedFhirCodeSystem
* #training "Training" "The sites train a prediction model together (federated learning with secure aggregation)."
* #statistics "Statistics" "The sites compute local sufficient statistics that are combined by secure aggregation (cross-sectional or longitudinal)."
* #clean-room "Clean room" "Each site seals its rows to the attested TEE, which runs the study's approved WebAssembly program over the pooled rows and releases only its disclosure-checked result."

ValueSet: StudyKindVS
Id: study-kind
Title: "FedFHIR study kinds"
Description: "All FedFHIR study kinds."
* insert FedFhirValueSet
* include codes from system $study-kind

// ---------------------------------------------------------------- algorithm
CodeSystem: AlgorithmCS
Id: algorithm
Title: "FedFHIR algorithm"
Description: "Model families a training study can ask the sites to train (locally with Tribuo)."
* insert FedFhirCodeSystem
* #logistic-regression "Logistic regression" "Binary logistic regression trained by SGD (Tribuo LinearSGDTrainer with log loss)."
* #linear-svm "Linear SVM" "Linear support vector machine trained by SGD (hinge loss)."
* #mlp "Neural network" "Feed-forward neural network: one or two hidden layers of tanh units (hidden-layers), dropout during local training (dropout), a sigmoid output; trained by mini-batch SGD at the sites under fedavg, fedadam, fedadagrad or fedyogi, its parameters one flat vector in secure aggregation; initial weights Glorot-uniform from the study seed."

ValueSet: AlgorithmVS
Id: algorithm
Title: "FedFHIR algorithms"
Description: "All algorithms a FedFHIR training study may use."
* insert FedFhirValueSet
* include codes from system $algorithm

// ---------------------------------------------------------------- strategy
CodeSystem: StrategyCS
Id: strategy
Title: "FedFHIR aggregation strategy"
Description: "How the aggregator turns the (securely aggregated) sum of the sites' updates into the next global model."
* insert FedFhirCodeSystem
* #fedavg "FedAvg" "Federated averaging, weighted by the sites' training counts (McMahan et al. 2017)."
* #fedprox "FedProx" "FedAvg with a proximal term mu on the local objective (Li et al. 2020)."
* #fedadam "FedAdam" "Server-side Adam optimiser on the averaged update (Reddi et al. 2021)."
* #fedadagrad "FedAdagrad" "Server-side Adagrad optimiser on the averaged update (Reddi et al. 2021)."
* #fedyogi "FedYogi" "Server-side Yogi optimiser on the averaged update (Reddi et al. 2021)."
* #newton "Federated Newton" "Exact Newton steps for generalised linear models from summed gradients and Hessians."

ValueSet: StrategyVS
Id: strategy
Title: "FedFHIR aggregation strategies"
Description: "All aggregation strategies."
* insert FedFhirValueSet
* include codes from system $strategy

// ---------------------------------------------------------------- summary
CodeSystem: SummaryCS
Id: summary
Title: "FedFHIR summary of several values"
Description: "How a feature is computed when a patient has several values in the look-back period."
* insert FedFhirCodeSystem
* #latest "Latest" "The value with the latest effective time (default)."
* #mean "Mean" "The arithmetic mean of the values (after unit conversion)."
* #min "Minimum" "The smallest value."
* #max "Maximum" "The largest value."

ValueSet: SummaryVS
Id: summary
Title: "FedFHIR summaries"
Description: "All summaries of several values."
* insert FedFhirValueSet
* include codes from system $summary

// ---------------------------------------------------------------- missing-value policy
CodeSystem: MissingValuePolicyCS
Id: missing-value-policy
Title: "FedFHIR missing-value policy"
Description: "What a site does with a patient who lacks a feature value."
* insert FedFhirCodeSystem
* #drop "Drop" "The patient is dropped if any feature is missing."
* #impute-mean "Impute mean" "A missing value is replaced by the mean: the site-local training mean, or the global mean in federated mode."

ValueSet: MissingValuePolicyVS
Id: missing-value-policy
Title: "FedFHIR missing-value policies"
Description: "All missing-value policies."
* insert FedFhirValueSet
* include codes from system $missing-value-policy

// ---------------------------------------------------------------- study parameters
CodeSystem: StudyParameterCS
Id: study-parameter
Title: "FedFHIR study parameter"
Description: "Names of a study's parameters. Each name has exactly one meaning and one value type (property value-type); a parameter whose meaning depended on its type would be ambiguous."
* insert FedFhirCodeSystem
* ^property[0].code = #value-type
* ^property[0].description = "The FHIR type of the parameter's value: integer, decimal, boolean, code or string."
* ^property[0].type = #code
* ^property[1].code = #default
* ^property[1].description = "The value used when the study does not give the parameter."
* ^property[1].type = #string
* ^property[2].code = #privacy
* ^property[2].description = "True if the parameter is a privacy setting (who may learn what)."
* ^property[2].type = #boolean
* #rounds "Rounds" "Number of federated rounds; integer >= 1."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "20"
* #local-epochs "Local epochs" "Epochs of local training per round (or of the whole local training); integer >= 1."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "5"
* #learning-rate "Learning rate" "SGD step size; decimal > 0."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0.1"
* #l2 "L2 regularisation" "L2 regularisation strength; decimal >= 0."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0.0"
* #seed "Seed" "Seed of the train/test split and of training; integer."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "43"
* #test-fraction "Test fraction" "Stratified share of each site's cohort held out for testing; decimal strictly between 0 and 1."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0.25"
* #min-sites "Minimum sites" "Sites needed to start a round; integer >= 2."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "3"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #threshold "Secret-sharing threshold" "Shamir threshold t of secure aggregation; integer >= 2 and <= min-sites. With fewer than t sites alive a round aborts and reveals nothing."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "ceil(2n/3) of the round's sites"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #strategy "Strategy" "Aggregation strategy; a code of http://fedfhir.org/fhir/CodeSystem/strategy."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #code
  * ^property[1].code = #default
  * ^property[1].valueString = "fedavg"
* #proximal-mu "Proximal mu" "FedProx proximal term mu; decimal >= 0."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0.01"
* #server-learning-rate "Server learning rate" "Step size of the server optimiser (fedadam, fedadagrad, fedyogi); decimal > 0."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0.1"
* #prediction-precision "Prediction precision" "Decimals (1-6) the TEE model service rounds this study's predicted probabilities to, inside the enclave, before they leave it; integer. Coarser answers make extracting the model by chosen queries costlier."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #integer
  * ^property[1].code = #default
  * ^property[1].valueString = "3"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #share-model-with-owner "Share model with owner" "Whether the study owner may download the plaintext final model; boolean. If false the model exists in plaintext only inside the aggregator's memory and the attested TEE."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #boolean
  * ^property[1].code = #default
  * ^property[1].valueString = "false"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #dp-epsilon "DP epsilon" "Differential privacy of a training study: the epsilon of (epsilon, delta)-DP of everything its rounds release, decimal > 0. Each round is one clipped gradient step whose noise the sites add as shares of the distributed discrete Gaussian before masking; the study stops at this epsilon. Strategies fedavg, fedadam, fedadagrad, fedyogi only."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "none (no differential privacy)"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #dp-delta "DP delta" "The delta of the study's (epsilon, delta)-DP; decimal strictly between 0 and 1. Needs dp-epsilon."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "1e-5"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #dp-clip "DP clip" "L2 norm each privacy unit's gradient is clipped to before noise; decimal > 0. Needs dp-epsilon."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "1.0"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #dp-unit "DP unit" "Whose privacy is protected: record (one patient) or site (a site's whole training split); code. Needs dp-epsilon."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #code
  * ^property[1].code = #default
  * ^property[1].valueString = "record"
  * ^property[2].code = #privacy
  * ^property[2].valueBoolean = true
* #hidden-layers "Hidden layers" "Of algorithm mlp only: the widths of its 1 or 2 hidden layers, each 1 to 256, separated by a comma (\"16\", \"32,16\"); string."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #string
  * ^property[1].code = #default
  * ^property[1].valueString = "16"
* #dropout "Dropout" "Of algorithm mlp only: the probability that local training drops a hidden unit at a step; decimal in [0, 1)."
  * ^property[0].code = #value-type
  * ^property[0].valueCode = #decimal
  * ^property[1].code = #default
  * ^property[1].valueString = "0"

ValueSet: StudyParameterVS
Id: study-parameter
Title: "FedFHIR study parameters"
Description: "All study parameter names."
* insert FedFhirValueSet
* include codes from system $study-parameter

ValueSet: PrivacySettingVS
Id: privacy-setting
Title: "FedFHIR privacy settings"
Description: "The study parameters that decide who may learn what: the minimum number of sites, the secret-sharing threshold and whether the owner may see the model."
* insert FedFhirValueSet
* $study-parameter#min-sites
* $study-parameter#threshold
* $study-parameter#share-model-with-owner

// ---------------------------------------------------------------- training outputs
CodeSystem: TrainingOutputCS
Id: training-output
Title: "FedFHIR training output"
Description: "Names of the outputs of a training Task (progress and aggregate metrics; never patient-level data)."
* insert FedFhirCodeSystem
* #round "Round" "The current (or last completed) federated round; integer."
* #accuracy "Accuracy" "Accuracy at probability 0.5 on the test set; decimal in [0,1]."
* #auc "AUC" "Area under the ROC curve on the test set; decimal in [0,1]."
* #brier "Brier score" "Mean squared error of the predicted probability on the test set; decimal in [0,1]."
* #train-count "Training count" "Patients in the site's training set; integer."
* #test-count "Test count" "Patients in the site's test set; integer."
* #included "Included" "Patients in the cohort after consent and criteria; integer."
* #excluded-consent "Excluded by consent" "Patients excluded by a denying Consent; integer."
* #excluded-criteria "Excluded by criteria" "Patients excluded by the cohort criteria or a missing required feature; integer."
* #missing "Missing values" "Feature values missing (dropped or imputed per the missing-value policy); integer."
* #unconvertible-units "Unconvertible units" "Values excluded because their unit could not be converted to the feature's unit; integer."
* #dp-epsilon "DP epsilon spent" "Of a differentially private study: the epsilon of (epsilon, dp-delta)-DP this site's contributions have spent so far, by its own accountant; decimal."

ValueSet: TrainingOutputVS
Id: training-output
Title: "FedFHIR training outputs"
Description: "All training Task outputs."
* insert FedFhirValueSet
* include codes from system $training-output

// ---------------------------------------------------------------- $train mode
CodeSystem: TrainModeCS
Id: train-mode
Title: "FedFHIR training mode"
Description: "Whether $train trains only on the site's own data or joins the federated study."
* insert FedFhirCodeSystem
* #federated "Federated" "Join the study at the aggregator and train round by round with secure aggregation (default)."
* #local "Local" "Train on this site's data only (baseline); nothing leaves the site."

ValueSet: TrainModeVS
Id: train-mode
Title: "FedFHIR training modes"
Description: "All $train modes."
* insert FedFhirValueSet
* include codes from system $train-mode

// ---------------------------------------------------------------- operations (for AuditEvent.subtype)
CodeSystem: OperationCS
Id: operation
Title: "FedFHIR operation"
Description: "The FedFHIR operations, as recorded in AuditEvent.subtype."
* insert FedFhirCodeSystem
* #train "$train" "Start or join the training of a study (hospital server)."
* #infer "$infer" "Risk of one patient from a study's model in the TEE (hospital server)."
* #secure-stats "$secure-stats" "Aggregate statistics of a statistics study (aggregator: one release; hospital server: the site joins and contributes)."
* #clean-room "$clean-room" "A site delivers its rows of a clean-room study, sealed to the attested TEE (hospital server)."
* #clean-room-delivery "clean-room delivery" "A site's rows of a clean-room study delivered to the TEE, or refused (the AuditEvent of $clean-room)."
* #clean-room-result "$clean-room-result" "The receipt of a clean-room run: program and output SHA-256, sites pooled (TEE model service; each site records it)."
* #attestation "$attestation" "Attestation evidence of the TEE model service."
* #provision-model "$provision-model" "Provision a sealed model into the TEE model service."
* #predict "$predict" "Prediction on sealed features inside the TEE model service."

ValueSet: OperationVS
Id: operation
Title: "FedFHIR operations"
Description: "All FedFHIR operations."
* insert FedFhirValueSet
* include codes from system $operation

// ---------------------------------------------------------------- heart-disease attributes
CodeSystem: HeartDiseaseAttributeCS
Id: heart-disease-attribute
Title: "FedFHIR heart-disease attributes"
Description: "Project codes for the UCI Heart Disease attributes that have no verified standard code (the others use LOINC: systolic blood pressure 8480-6, serum cholesterol 2093-3). Values of the categorical attributes are the UCI integer codes in Observation.valueInteger. Source: UCI Machine Learning Repository, Heart Disease (Janosi, Steinbrunn, Pfisterer, Detrano 1988), CC BY 4.0."
* insert FedFhirCodeSystem
* ^copyright = "Attribute definitions from the UCI Heart Disease data set (doi:10.24432/C52P4X), CC BY 4.0: Andras Janosi (Hungarian Institute of Cardiology, Budapest), William Steinbrunn (University Hospital, Zurich), Matthias Pfisterer (University Hospital, Basel), Robert Detrano (V.A. Medical Center, Long Beach and Cleveland Clinic Foundation)."
* #chest-pain-type "Chest pain type" "UCI cp. valueInteger: 1 typical angina, 2 atypical angina, 3 non-anginal pain, 4 asymptomatic."
* #fasting-glucose-over-120 "Fasting blood sugar > 120 mg/dL" "UCI fbs. valueBoolean: true if fasting blood sugar > 120 mg/dL."
* #resting-ecg "Resting electrocardiographic result" "UCI restecg. valueInteger: 0 normal, 1 ST-T wave abnormality (T wave inversions and/or ST elevation or depression of > 0.05 mV), 2 probable or definite left ventricular hypertrophy by Estes' criteria."
* #max-heart-rate "Maximum heart rate achieved (exercise test)" "UCI thalach. valueQuantity in /min."
* #exercise-angina "Exercise induced angina" "UCI exang. valueBoolean."
* #st-depression "ST depression induced by exercise relative to rest" "UCI oldpeak. valueQuantity in mm."
* #st-slope "Slope of the peak exercise ST segment" "UCI slope. valueInteger: 1 upsloping, 2 flat, 3 downsloping."
* #major-vessels "Number of major vessels coloured by fluoroscopy" "UCI ca. valueInteger 0 to 3."
* #thal "Thallium stress test result" "UCI thal. valueInteger: 3 normal, 6 fixed defect, 7 reversible defect."

ValueSet: HeartDiseaseAttributeVS
Id: heart-disease-attribute
Title: "FedFHIR heart-disease attributes"
Description: "All project codes for heart-disease attributes."
* insert FedFhirValueSet
* include codes from system $hd
