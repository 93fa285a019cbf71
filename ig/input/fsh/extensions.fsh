// Extensions of the study PlanDefinition (docs/study-format.md), its features, and the results.

Extension: StudyKindExtension
Id: study-kind
Title: "Study kind"
Description: "Whether the study trains a model or computes statistics."
Context: PlanDefinition
* value[x] 1..1
* value[x] only code
* value[x] from StudyKindVS (required)

Extension: AlgorithmExtension
Id: algorithm
Title: "Algorithm"
Description: "The model family the sites train (required for training studies)."
Context: PlanDefinition
* value[x] 1..1
* value[x] only Coding
* value[x] from AlgorithmVS (required)

Extension: StudyParameterExtension
Id: study-parameter
Title: "Study parameter"
Description: "One parameter of the study: a name from the study-parameter code system and a value of the single type that name has (see the code system's value-type property). One meaning per name, never per type."
Context: PlanDefinition
* obeys sp-int and sp-dec and sp-bool and sp-code and sp-range-pos-int and sp-range-precision and sp-range-sites and sp-range-pos-dec and sp-range-nonneg-dec and sp-range-fraction and sp-strategy and sp-hidden-layers and sp-dropout
* extension contains name 1..1 and value 1..1
* extension[name] ^short = "Parameter name"
* extension[name].value[x] 1..1
* extension[name].value[x] only code
* extension[name].value[x] from StudyParameterVS (required)
* extension[value] ^short = "Parameter value"
* extension[value].value[x] 1..1
* extension[value].value[x] only integer or decimal or boolean or code or string

Extension: MissingValuePolicyExtension
Id: missing-value-policy
Title: "Missing-value policy"
Description: "What a site does with a patient who lacks a feature value."
Context: PlanDefinition
* value[x] 1..1
* value[x] only code
* value[x] from MissingValuePolicyVS (required)

Extension: CohortCriteriaExtension
Id: cohort-criteria
Title: "Cohort criteria"
Description: "Who is in the study's cohort, besides consent and required features: age range in years at the index date (now) and administrative sex."
Context: PlanDefinition
* obeys cc-1
* extension contains minAge 0..1 and maxAge 0..1 and sex 0..*
* extension[minAge].value[x] 1..1
* extension[minAge].value[x] only integer
* extension[minAge] ^short = "Minimum age in years (inclusive)"
* extension[maxAge].value[x] 1..1
* extension[maxAge].value[x] only integer
* extension[maxAge] ^short = "Maximum age in years (inclusive)"
* extension[sex].value[x] 1..1
* extension[sex].value[x] only code
* extension[sex].value[x] from http://hl7.org/fhir/ValueSet/administrative-gender (required)
* extension[sex] ^short = "Administrative sex included (all if absent)"

Extension: FeatureExtension
Id: feature
Title: "Feature"
Description: "How one DataRequirement of a study becomes one column of the model: its name, unit, summary of several values, look-back period and whether it is a cohort criterion."
Context: DataRequirement
* extension contains name 1..1 and unit 0..1 and summary 0..1 and lookback 0..1 and required 0..1
* extension[name].value[x] 1..1
* extension[name].value[x] only id
* extension[name] ^short = "Column name in the model, unique in the study"
* extension[unit].value[x] 1..1
* extension[unit].value[x] only Coding
* extension[unit].valueCoding.system 1..1
* extension[unit].valueCoding.system = $ucum (exactly)
* extension[unit].valueCoding.code 1..1
* extension[unit] ^short = "UCUM unit the values are converted to"
* extension[summary].value[x] 1..1
* extension[summary].value[x] only code
* extension[summary].value[x] from SummaryVS (required)
* extension[summary] ^short = "Summary of several values (default latest)"
* extension[lookback].value[x] 1..1
* extension[lookback].value[x] only Duration
* extension[lookback] ^short = "Only values effective within this period before now count"
* extension[required].value[x] 1..1
* extension[required].value[x] only boolean
* extension[required] ^short = "A patient without a value is excluded (default false)"

Extension: ApprovedStudyDigestExtension
Id: approved-study-digest
Title: "Approved study digest"
Description: "The content a data steward approved: \"sha256:\" and the 64 lower-case hex digits of SHA-256 over HAPI FHIR's compact JSON encoding of the study PlanDefinition without id, meta and text (the study digest the aggregator also checks at Join). A site takes part in a study only while an active approval names the digest of its current copy: a PlanDefinition changed after approval (PUT) is not approved until a new approval names the new digest. `./fedfhir study digest FILE` prints it."
Context: ResearchStudy
* obeys asd-format
* value[x] 1..1
* value[x] only string
* valueString ^short = "sha256:<64 hex digits> of the approved PlanDefinition"

Extension: StudyReferenceExtension
Id: study
Title: "Study"
Description: "The federated study (canonical URL with |version) a result comes from."
Context: RiskAssessment, Provenance, MeasureReport
* value[x] 1..1
* value[x] only canonical
* valueCanonical ^type.targetProfile = Canonical(FederatedStudy)

Extension: SiteCountExtension
Id: site-count
Title: "Site count"
Description: "How many sites contributed to the model or result (never which patients); on a FederatedStatisticsReport: how many sites' vectors the secure sum covers."
Context: Provenance, MeasureReport
* value[x] 1..1
* value[x] only positiveInt

Extension: ModelRoundExtension
Id: model-round
Title: "Model round"
Description: "The federated round that produced the model."
Context: Provenance
* value[x] 1..1
* value[x] only unsignedInt

Extension: RiskBandsExtension
Id: risk-bands
Title: "Risk bands"
Description: "The study's threshold bands for showing a predicted risk (a probability of the outcome): below low the risk is low, from high it is high, moderate in between. Sites show $infer's risk by them (the risk app's gauge, the CDS Hooks card's indicator: info / warning / critical); without them a site uses its own bands (fedfhir.cds.bands, default 0.2 and 0.5)."
Context: PlanDefinition
* obeys rb-order
* extension contains
    low 1..1 and
    high 1..1
* extension[low] ^short = "Below this risk: low"
* extension[low].value[x] only decimal
* extension[low].value[x] 1..1
* extension[high] ^short = "From this risk: high"
* extension[high].value[x] only decimal
* extension[high].value[x] 1..1
* value[x] 0..0

Extension: ModelPerformanceExtension
Id: model-performance
Title: "Model performance"
Description: "How well the study's model did, as the site knows it at the study's end (its completed TrainingTask): the network's accuracy on all sites' test splits in the final round, and the final model's AUC on this site's own test split. On the Provenance of a risk computed with the model; a part is left out where the site does not know it."
Context: Provenance
* extension contains
    networkAccuracy 0..1 and
    siteAuc 0..1
* extension[networkAccuracy] ^short = "The network's accuracy at probability 0.5, final round, in [0, 1]"
* extension[networkAccuracy].value[x] only decimal
* extension[networkAccuracy].value[x] 1..1
* extension[siteAuc] ^short = "AUC on this site's test split, in [0, 1]"
* extension[siteAuc].value[x] only decimal
* extension[siteAuc].value[x] 1..1
* value[x] 0..0
