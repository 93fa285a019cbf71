// FHIRPath invariants of the FedFHIR profiles and extensions.

// ------------------------------------------------------------ study parameter (on the extension)
Invariant: sp-int
Description: "Parameters rounds, local-epochs, seed, min-sites, threshold and prediction-precision have an integer value"
Expression: "extension('name').value in ('rounds' | 'local-epochs' | 'seed' | 'min-sites' | 'threshold' | 'prediction-precision') implies extension('value').value.is(FHIR.integer)"
Severity: #error

Invariant: sp-dec
Description: "Parameters learning-rate, l2, test-fraction, proximal-mu, server-learning-rate, dp-epsilon, dp-delta and dp-clip have a decimal value"
Expression: "extension('name').value in ('learning-rate' | 'l2' | 'test-fraction' | 'proximal-mu' | 'server-learning-rate' | 'dp-epsilon' | 'dp-delta' | 'dp-clip') implies extension('value').value.is(FHIR.decimal)"
Severity: #error

Invariant: sp-bool
Description: "Parameter share-model-with-owner has a boolean value"
Expression: "extension('name').value = 'share-model-with-owner' implies extension('value').value.is(FHIR.boolean)"
Severity: #error

Invariant: sp-code
Description: "Parameters strategy and dp-unit have a code value"
Expression: "extension('name').value in ('strategy' | 'dp-unit') implies extension('value').value.is(FHIR.code)"
Severity: #error

Invariant: sp-range-pos-int
Description: "Parameters rounds and local-epochs are at least 1"
Expression: "extension('name').value in ('rounds' | 'local-epochs') implies extension('value').value >= 1"
Severity: #error

Invariant: sp-range-precision
Description: "Parameter prediction-precision is 1 to 6 decimals"
Expression: "extension('name').value = 'prediction-precision' implies (extension('value').value >= 1 and extension('value').value <= 6)"
Severity: #error

Invariant: sp-range-sites
Description: "Parameters min-sites and threshold are at least 2"
Expression: "extension('name').value in ('min-sites' | 'threshold') implies extension('value').value >= 2"
Severity: #error

Invariant: sp-range-pos-dec
Description: "Parameters learning-rate and server-learning-rate are greater than 0"
Expression: "extension('name').value in ('learning-rate' | 'server-learning-rate') implies extension('value').value > 0"
Severity: #error

Invariant: sp-range-nonneg-dec
Description: "Parameters l2 and proximal-mu are not negative"
Expression: "extension('name').value in ('l2' | 'proximal-mu') implies extension('value').value >= 0"
Severity: #error

Invariant: sp-range-fraction
Description: "Parameter test-fraction is strictly between 0 and 1"
Expression: "extension('name').value = 'test-fraction' implies (extension('value').value > 0 and extension('value').value < 1)"
Severity: #error

Invariant: sp-strategy
Description: "Parameter strategy is one of fedavg, fedprox, fedadam, fedadagrad, fedyogi, newton"
Expression: "extension('name').value = 'strategy' implies extension('value').value in ('fedavg' | 'fedprox' | 'fedadam' | 'fedadagrad' | 'fedyogi' | 'newton')"
Severity: #error

Invariant: sp-hidden-layers
Description: "Parameter hidden-layers is a string of 1 or 2 widths from 1 to 256, separated by a comma"
Expression: "extension('name').value = 'hidden-layers' implies (extension('value').value.is(FHIR.string) and extension('value').value.matches('^([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-6])(,([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-6]))?$'))"
Severity: #error

Invariant: sp-dropout
Description: "Parameter dropout is a decimal in [0, 1)"
Expression: "extension('name').value = 'dropout' implies (extension('value').value.is(FHIR.decimal) and extension('value').value >= 0 and extension('value').value < 1)"
Severity: #error

// ------------------------------------------------------------ cohort criteria
Invariant: cc-1
Description: "minAge is not greater than maxAge"
Expression: "(extension('minAge').exists() and extension('maxAge').exists()) implies extension('minAge').value <= extension('maxAge').value"
Severity: #error

// ------------------------------------------------------------ FederatedStudy
Invariant: fs-algorithm
Description: "A training study names its algorithm"
Expression: "extension('http://fedfhir.org/fhir/StructureDefinition/study-kind').value = 'training' implies extension('http://fedfhir.org/fhir/StructureDefinition/algorithm').exists()"
Severity: #error

Invariant: fs-feature-names
Description: "Feature names are unique in the study"
Expression: "action.input.extension('http://fedfhir.org/fhir/StructureDefinition/feature').extension('name').value.isDistinct()"
Severity: #error

Invariant: fs-parameter-names
Description: "Each study parameter is given at most once"
Expression: "extension('http://fedfhir.org/fhir/StructureDefinition/study-parameter').extension('name').value.isDistinct()"
Severity: #error

Invariant: fs-threshold
Description: "The secret-sharing threshold is not greater than min-sites (default 3)"
Expression: "extension('http://fedfhir.org/fhir/StructureDefinition/study-parameter').where(extension('name').value = 'threshold').exists() implies (extension('http://fedfhir.org/fhir/StructureDefinition/study-parameter').where(extension('name').value = 'threshold').extension('value').value <= iif(extension('http://fedfhir.org/fhir/StructureDefinition/study-parameter').where(extension('name').value = 'min-sites').exists(), extension('http://fedfhir.org/fhir/StructureDefinition/study-parameter').where(extension('name').value = 'min-sites').extension('value').value, 3))"
Severity: #error

Invariant: fs-input-type
Description: "A feature comes from an Observation, a Condition or the Patient"
Expression: "action.input.all(type in ('Observation' | 'Condition' | 'Patient'))"
Severity: #error

Invariant: fs-input-code
Description: "An Observation or Condition feature has a code filter on path 'code' with at least one code"
Expression: "action.input.where(type != 'Patient').all(codeFilter.where(path = 'code' and code.exists()).exists())"
Severity: #error

Invariant: fs-patient-feature
Description: "A Patient feature is named age or sex"
Expression: "action.input.where(type = 'Patient').all(extension('http://fedfhir.org/fhir/StructureDefinition/feature').extension('name').value in ('age' | 'sex'))"
Severity: #error

Invariant: fs-label
Description: "The label is a Condition with a code filter on path 'code' with at least one code"
Expression: "action.output.all(type = 'Condition' and codeFilter.where(path = 'code' and code.exists()).exists())"
Severity: #error

// ------------------------------------------------------------ TrainingTask
Invariant: tt-failed
Description: "A failed training Task says why in statusReason.text"
Expression: "status = 'failed' implies statusReason.text.exists()"
Severity: #error

Invariant: tt-output-count
Description: "Outputs round, train-count, test-count, included, excluded-consent, excluded-criteria, missing and unconvertible-units are non-negative integers"
Expression: "output.where(type.coding.where(system = 'http://fedfhir.org/fhir/CodeSystem/training-output' and code in ('round' | 'train-count' | 'test-count' | 'included' | 'excluded-consent' | 'excluded-criteria' | 'missing' | 'unconvertible-units')).exists()).all(value.is(FHIR.integer) and value >= 0)"
Severity: #error

Invariant: tt-output-metric
Description: "Outputs accuracy, auc and brier are decimals between 0 and 1"
Expression: "output.where(type.coding.where(system = 'http://fedfhir.org/fhir/CodeSystem/training-output' and code in ('accuracy' | 'auc' | 'brier')).exists()).all(value.is(FHIR.decimal) and value >= 0 and value <= 1)"
Severity: #error

// ------------------------------------------------------------ FederatedRiskAssessment
Invariant: ra-probability
Description: "The predicted probability is between 0 and 1"
Expression: "prediction.probability.all($this >= 0 and $this <= 1)"
Severity: #error

// ------------------------------------------------------------ study approval (on the extension)
Invariant: asd-format
Description: "The approved study digest is sha256: and 64 lower-case hex digits"
Expression: "value.matches('^sha256:[0-9a-f]{64}$')"
Severity: #error

Invariant: rb-order
Description: "Risk bands: 0 < low < high < 1"
Expression: "extension('low').value > 0 and extension('low').value < extension('high').value and extension('high').value < 1"
Severity: #error
