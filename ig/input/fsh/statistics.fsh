// Statistics studies (docs/study-format.md, "Statistics studies"): what a study with study kind
// `statistics` declares (extension `statistic` on its action, `disclosure-control` on the
// PlanDefinition), what the aggregator's $secure-stats releases (FederatedStatisticsResult, with the
// counts as a FederatedStatisticsReport) and the site's own $secure-stats. The declarations are read
// by org.fedfhir.study.StatisticsDeclarations (aggregator and sites alike); the results are written by
// the aggregator's org.fedfhir.aggregator.statistics.StatisticsResults.

Alias: $statistic-kind = http://fedfhir.org/fhir/CodeSystem/statistic-kind
Alias: $ext-statistic = http://fedfhir.org/fhir/StructureDefinition/statistic
Alias: $ext-disclosure-control = http://fedfhir.org/fhir/StructureDefinition/disclosure-control
Alias: $ext-suppressed = http://fedfhir.org/fhir/StructureDefinition/suppressed
Alias: $measure-population = http://terminology.hl7.org/CodeSystem/measure-population
Alias: $data-absent-reason = http://terminology.hl7.org/CodeSystem/data-absent-reason

// ---------------------------------------------------------------- statistic kind
CodeSystem: StatisticKindCS
Id: statistic-kind
Title: "FedFHIR statistic kind"
Description: "What one statistic of a statistics study computes. Each is a pair (site-local sufficient statistics, combiner of their sum) in secure-compute's org.fedfhir.securecompute.statistics."
* insert FedFhirCodeSystem
* #counts "Counts" "One-way frequency table of a categorical feature (or the label)."
* #crosstab "Cross-tabulation" "Two-way frequency table with margins and Pearson's chi-square test."
* #summary "Numeric summary" "Count, mean, variance, SD, histogram, quantiles and min/max intervals of a bounded numeric feature, optionally per group."
* #welch "Welch t-test" "Welch's unequal-variances t-test of a bounded numeric feature between exactly two groups (Welch 1947)."
* #kaplan-meier "Kaplan–Meier" "Kaplan–Meier survival curves with Greenwood standard errors on fixed time buckets; log-rank test for two groups."
* #logistic-regression "Logistic regression" "Coefficients and standard errors by federated Newton iterations (one secure-aggregation round per iteration)."

ValueSet: StatisticKindVS
Id: statistic-kind
Title: "FedFHIR statistic kinds"
Description: "All FedFHIR statistic kinds."
* insert FedFhirValueSet
* include codes from system $statistic-kind

// ---------------------------------------------------------------- extensions
Extension: StatisticExtension
Id: statistic
Title: "Statistic"
Description: "One statistic of a statistics study, on the study's single action, in the order of the concatenated vector. Statistics refer to features by their feature name and to the label as `label`; categories are the rounded integer values as codes (\"0\", \"1\", …). Which parts a kind needs: the st-* invariants."
Context: PlanDefinition.action
* obeys st-counts and st-crosstab and st-summary and st-welch and st-kaplan-meier and st-logistic-regression and st-covariate and st-categories and st-bounds and st-bin-edges and st-quantile and st-epsilon
* extension contains
    kind 1..1 and
    name 1..1 and
    variable 0..1 and
    row 0..1 and
    rowCategory 0..* and
    column 0..1 and
    columnCategory 0..* and
    groupBy 0..1 and
    group 0..* and
    lower 0..1 and
    upper 0..1 and
    binEdge 0..* and
    quantile 0..* and
    bucketEdge 0..* and
    timeUnit 0..1 and
    indexCondition 0..* and
    eventCondition 0..* and
    eventObservation 0..1 and
    eventAbove 0..1 and
    eventBelow 0..1 and
    eventUnit 0..1 and
    followUpObservation 0..* and
    covariate 0..* and
    epsilon 0..1
* extension[kind] ^short = "counts | crosstab | summary | welch | kaplan-meier | logistic-regression"
* extension[kind].value[x] 1..1
* extension[kind].value[x] only code
* extension[kind].value[x] from StatisticKindVS (required)
* extension[name] ^short = "Name of the statistic, unique in the study (the result's parameter name)"
* extension[name].value[x] 1..1
* extension[name].value[x] only id
* extension[variable] ^short = "summary, welch, kaplan-meier: the feature summarised, compared or timed; logistic-regression: the binary outcome (label or a 0/1 feature)"
* extension[variable].value[x] 1..1
* extension[variable].value[x] only id
* extension[row] ^short = "counts, crosstab: the row variable (a categorical feature or label)"
* extension[row].value[x] 1..1
* extension[row].value[x] only id
* extension[rowCategory] ^short = "counts, crosstab: the row categories, in order (fixing the vector layout)"
* extension[rowCategory].value[x] 1..1
* extension[rowCategory].value[x] only code
* extension[column] ^short = "crosstab: the column variable (a categorical feature or label)"
* extension[column].value[x] 1..1
* extension[column].value[x] only id
* extension[columnCategory] ^short = "crosstab: the column categories, in order"
* extension[columnCategory].value[x] 1..1
* extension[columnCategory].value[x] only code
* extension[groupBy] ^short = "summary, welch, kaplan-meier: the grouping variable"
* extension[groupBy].value[x] 1..1
* extension[groupBy].value[x] only id
* extension[group] ^short = "The groupBy categories, in order (welch: exactly two)"
* extension[group].value[x] 1..1
* extension[group].value[x] only code
* extension[lower] ^short = "summary, welch: lower bound (values below are clipped to it and counted)"
* extension[lower].value[x] 1..1
* extension[lower].value[x] only decimal
* extension[upper] ^short = "summary, welch: upper bound (values above are clipped to it and counted)"
* extension[upper].value[x] 1..1
* extension[upper].value[x] only decimal
* extension[binEdge] ^short = "summary: histogram edges, first = lower, last = upper, increasing (default: one bin)"
* extension[binEdge].value[x] 1..1
* extension[binEdge].value[x] only decimal
* extension[quantile] ^short = "summary: quantile levels in (0, 1)"
* extension[quantile].value[x] 1..1
* extension[quantile].value[x] only decimal
* extension[bucketEdge] ^short = "kaplan-meier: time bucket edges 0 = t0 < t1 < … < tB, in timeUnit"
* extension[bucketEdge].value[x] 1..1
* extension[bucketEdge].value[x] only decimal
* extension[timeUnit] ^short = "kaplan-meier: UCUM unit of the bucket edges (default d)"
* extension[timeUnit].value[x] 1..1
* extension[timeUnit].value[x] only code
* extension[indexCondition] ^short = "kaplan-meier: the index date is the earliest onset of a Condition with one of these codes (none: the patient's first record)"
* extension[indexCondition].value[x] 1..1
* extension[indexCondition].value[x] only Coding
* extension[eventCondition] ^short = "kaplan-meier: the event is the earliest onset, on or after the index date, of a Condition with one of these codes"
* extension[eventCondition].value[x] 1..1
* extension[eventCondition].value[x] only Coding
* extension[eventObservation] ^short = "kaplan-meier: or the event is the earliest Observation of this code, on or after the index date, crossing eventAbove or eventBelow"
* extension[eventObservation].value[x] 1..1
* extension[eventObservation].value[x] only Coding
* extension[eventAbove] ^short = "kaplan-meier: the event Observation's value is above this"
* extension[eventAbove].value[x] 1..1
* extension[eventAbove].value[x] only decimal
* extension[eventBelow] ^short = "kaplan-meier: the event Observation's value is below this"
* extension[eventBelow].value[x] 1..1
* extension[eventBelow].value[x] only decimal
* extension[eventUnit] ^short = "kaplan-meier: UCUM unit of eventAbove/eventBelow; sites convert each Observation's value into it (a value that cannot be converted is not an event); none: values compared as recorded"
* extension[eventUnit].value[x] 1..1
* extension[eventUnit].value[x] only code
* extension[followUpObservation] ^short = "kaplan-meier: accepted for earlier studies, redundant: every Observation and Condition of a patient is a record (follow-up without an event is censored at the last one)"
* extension[followUpObservation].value[x] 1..1
* extension[followUpObservation].value[x] only Coding
* extension[covariate] ^short = "logistic-regression: a covariate with its bounds, in order (the intercept comes first)"
* extension[covariate] ^definition = "A covariate of a logistic regression: a feature of the study and its bounds. Values outside [lower, upper] are clipped to them; a patient with a missing covariate or outcome is left out of the regression."
* extension[covariate].extension contains
    name 1..1 and
    lower 1..1 and
    upper 1..1
* extension[covariate].extension[name] ^short = "The covariate: a feature name of the study"
* extension[covariate].extension[name].value[x] 1..1
* extension[covariate].extension[name].value[x] only id
* extension[covariate].extension[lower] ^short = "Lower bound (values below are clipped to it)"
* extension[covariate].extension[lower].value[x] 1..1
* extension[covariate].extension[lower].value[x] only decimal
* extension[covariate].extension[upper] ^short = "Upper bound (values above are clipped to it)"
* extension[covariate].extension[upper].value[x] 1..1
* extension[covariate].extension[upper].value[x] only decimal
* extension[epsilon] ^short = "counts, crosstab, summary: ε spent on differential-privacy noise for this statistic (needs the study's epsilonBudget)"
* extension[epsilon].value[x] 1..1
* extension[epsilon].value[x] only decimal

Extension: DisclosureControlExtension
Id: disclosure-control
Title: "Disclosure control"
Description: "A statistics study's disclosure control. Each site also sets its own minimum cell count for all studies; the largest of all applies."
Context: PlanDefinition
* obeys dc-epsilon-budget and dc-epsilon-delta
* extension contains minCellCount 0..1 and maxRecordsPerSite 0..1 and epsilonBudget 0..1 and epsilonDelta 0..1
* extension[minCellCount] ^short = "The study's minimum released count (default 5)"
* extension[minCellCount].value[x] 1..1
* extension[minCellCount].value[x] only positiveInt
* extension[maxRecordsPerSite] ^short = "Bounds every sum so the fixed-point encoding cannot wrap; a site with more records refuses (default 1 000 000)"
* extension[maxRecordsPerSite].value[x] 1..1
* extension[maxRecordsPerSite].value[x] only positiveInt
* extension[epsilonBudget] ^short = "Total ε the study may spend (sequential composition); none: no differential privacy"
* extension[epsilonBudget].value[x] 1..1
* extension[epsilonBudget].value[x] only decimal
* extension[epsilonDelta] ^short = "δ of each private statistic's (ε, δ) guarantee; the sites calibrate their discrete Gaussian noise shares to it (default 1e-6)"
* extension[epsilonDelta].value[x] 1..1
* extension[epsilonDelta].value[x] only decimal

Extension: SuppressedExtension
Id: suppressed
Title: "Suppressed"
Description: "On a FederatedStatisticsReport group or stratum: its count is suppressed by disclosure control (primary or complementary: never which), so it has no population.count."
Context: MeasureReport.group, MeasureReport.group.stratifier.stratum
* value[x] 1..1
* value[x] only boolean

Extension: EpsilonSpentExtension
Id: epsilon-spent
Title: "Epsilon spent"
Description: "The ε a statistic spent on differential-privacy noise (on a FederatedStatisticsReport group)."
Context: MeasureReport.group
* obeys eps-non-negative
* value[x] 1..1
* value[x] only decimal

// ---------------------------------------------------------------- invariants: statistic
Invariant: st-counts
Description: "A counts statistic names its row variable and at least one row category"
Expression: "extension('kind').value = 'counts' implies (extension('row').exists() and extension('rowCategory').exists())"
Severity: #error

Invariant: st-crosstab
Description: "A crosstab statistic names its row and column variables and at least one category of each"
Expression: "extension('kind').value = 'crosstab' implies (extension('row').exists() and extension('rowCategory').exists() and extension('column').exists() and extension('columnCategory').exists())"
Severity: #error

Invariant: st-summary
Description: "A summary statistic names its variable and its lower and upper bounds, and its groups if it has a groupBy"
Expression: "extension('kind').value = 'summary' implies (extension('variable').exists() and extension('lower').exists() and extension('upper').exists() and (extension('groupBy').exists() implies extension('group').exists()))"
Severity: #error

Invariant: st-welch
Description: "A welch statistic names its variable, its groupBy with exactly two groups, and its lower and upper bounds"
Expression: "extension('kind').value = 'welch' implies (extension('variable').exists() and extension('groupBy').exists() and extension('group').count() = 2 and extension('lower').exists() and extension('upper').exists())"
Severity: #error

Invariant: st-kaplan-meier
Description: "A kaplan-meier statistic has at least two bucket edges, the first 0, and its groups if it has a groupBy"
Expression: "extension('kind').value = 'kaplan-meier' implies (extension('bucketEdge').count() >= 2 and extension('bucketEdge').first().value = 0 and (extension('groupBy').exists() implies extension('group').exists()))"
Severity: #error

Invariant: st-logistic-regression
Description: "A logistic-regression statistic names its outcome (variable) and at least one covariate, each with lower < upper"
Expression: "extension('kind').value = 'logistic-regression' implies (extension('variable').exists() and extension('covariate').exists() and extension('covariate').all(extension('lower').value < extension('upper').value))"
Severity: #error

Invariant: st-covariate
Description: "Only a logistic-regression statistic has covariates, and their names are distinct"
Expression: "extension('covariate').exists() implies (extension('kind').value = 'logistic-regression' and extension('covariate').extension('name').value.isDistinct())"
Severity: #error

Invariant: st-categories
Description: "Row categories, column categories and groups are distinct"
Expression: "extension('rowCategory').value.isDistinct() and extension('columnCategory').value.isDistinct() and extension('group').value.isDistinct()"
Severity: #error

Invariant: st-bounds
Description: "The lower bound is less than the upper bound"
Expression: "(extension('lower').exists() and extension('upper').exists()) implies extension('lower').value < extension('upper').value"
Severity: #error

Invariant: st-bin-edges
Description: "Histogram bin edges are at least two, distinct, the first equal to lower and the last to upper"
Expression: "extension('binEdge').exists() implies (extension('binEdge').count() >= 2 and extension('binEdge').value.isDistinct() and extension('lower').exists() and extension('upper').exists() and extension('binEdge').first().value = extension('lower').value and extension('binEdge').last().value = extension('upper').value)"
Severity: #error

Invariant: st-quantile
Description: "Quantile levels are strictly between 0 and 1"
Expression: "extension('quantile').all(value > 0 and value < 1)"
Severity: #error

Invariant: st-epsilon
Description: "Only counts, crosstab and summary statistics spend ε, and ε is greater than 0"
Expression: "extension('epsilon').exists() implies (extension('kind').value in ('counts' | 'crosstab' | 'summary') and extension('epsilon').value > 0)"
Severity: #error

Invariant: dc-epsilon-budget
Description: "The ε budget is greater than 0"
Expression: "extension('epsilonBudget').all(value > 0)"
Severity: #error

Invariant: dc-epsilon-delta
Description: "δ lies strictly between 0 and 1"
Expression: "extension('epsilonDelta').all(value > 0 and value < 1)"
Severity: #error

Invariant: eps-non-negative
Description: "ε spent is not negative"
Expression: "value >= 0"
Severity: #error

// ---------------------------------------------------------------- FederatedStatisticsStudy
Invariant: fss-statistic-names
Description: "Statistic names are unique in the study"
Expression: "action.extension('http://fedfhir.org/fhir/StructureDefinition/statistic').extension('name').value.isDistinct()"
Severity: #error

Invariant: fss-variables
Description: "Statistics refer to the study's features by name, or to the label as 'label'; covariates are features"
Expression: "action.extension('http://fedfhir.org/fhir/StructureDefinition/statistic').extension.where(url = 'variable' or url = 'row' or url = 'column' or url = 'groupBy').value.all($this in (%resource.action.input.extension('http://fedfhir.org/fhir/StructureDefinition/feature').extension('name').value | 'label')) and action.extension('http://fedfhir.org/fhir/StructureDefinition/statistic').extension('covariate').extension('name').value.all($this in %resource.action.input.extension('http://fedfhir.org/fhir/StructureDefinition/feature').extension('name').value)"
Severity: #error

Invariant: fss-epsilon-budget
Description: "A study whose statistics spend ε has an epsilonBudget (extension disclosure-control)"
Expression: "action.extension('http://fedfhir.org/fhir/StructureDefinition/statistic').extension('epsilon').exists() implies extension('http://fedfhir.org/fhir/StructureDefinition/disclosure-control').extension('epsilonBudget').exists()"
Severity: #error

Profile: FederatedStatisticsStudy
Parent: FederatedStudy
Id: FederatedStatisticsStudy
Title: "Federated statistics study"
Description: "A federated study of kind statistics: the same shape as a training study (features as action.input, the label as the single action.output) plus one statistic extension per statistic on the action and an optional disclosure control. The sites' local sufficient statistics are summed by secure aggregation; only totals, after disclosure control, are released. Every FederatedStatisticsStudy is a FederatedStudy (what the sites and the aggregator validate on publication)."
* obeys fss-statistic-names and fss-variables and fss-epsilon-budget
* extension[studyKind].valueCode = #statistics (exactly)
* extension[studyKind] ^short = "statistics"
* action.extension[statistic] 1..*

// ---------------------------------------------------------------- FederatedStatisticsReport
Invariant: fsr-group-suppressed
Description: "A group has a population count unless it is marked suppressed, and never both"
Expression: "group.all(population.count.exists() xor extension('http://fedfhir.org/fhir/StructureDefinition/suppressed').where(value = true).exists())"
Severity: #error

Invariant: fsr-stratum-suppressed
Description: "A stratum has a population count unless it is marked suppressed, and never both"
Expression: "group.stratifier.stratum.all(population.count.exists() xor extension('http://fedfhir.org/fhir/StructureDefinition/suppressed').where(value = true).exists())"
Severity: #error

Invariant: fsr-counts
Description: "Released counts are not negative"
Expression: "group.population.count.all($this >= 0) and group.stratifier.stratum.population.count.all($this >= 0)"
Severity: #error

Profile: FederatedStatisticsReport
Parent: MeasureReport
Id: FederatedStatisticsReport
Title: "Federated statistics report"
Description: "The counts and cross-tabulations of one $secure-stats release (parameter report of FederatedStatisticsResult): one group per table, its grand total as the initial-population count, one stratum per cell (components row variable = category, column variable = category) and per margin (one component). A suppressed count is a stratum (or group) with no population.count and the suppressed extension = true."
* obeys fsr-group-suppressed and fsr-stratum-suppressed and fsr-counts
* extension contains
    SiteCountExtension named siteCount 1..1 and
    StudyReferenceExtension named study 1..1
* extension[siteCount] ^short = "How many sites' vectors the secure sum covers"
* extension[study] ^short = "The study (canonical url|version)"
* status = #complete
* type = #summary
* measure ^short = "The study's canonical url|version (a FederatedStatisticsStudy, not a Measure)"
* date 1..1
* reporter 1..1
* reporter ^short = "The aggregator (display)"
* group 1..*
* group ^short = "One group per counts or crosstab statistic"
* group.extension contains
    SuppressedExtension named suppressed 0..1 and
    EpsilonSpentExtension named epsilonSpent 0..1
* group.code 1..1
* group.code.text 1..1
* group.code.text ^short = "The statistic's name"
* group.population 1..1
* group.population.code 1..1
* group.population.code = $measure-population#initial-population
* group.population.count ^short = "The grand total (absent if suppressed)"
* group.stratifier.code.text ^short = "row variable, or row×column"
* group.stratifier.stratum.extension contains SuppressedExtension named suppressed 0..1
* group.stratifier.stratum.component 1..2
* group.stratifier.stratum.component ^short = "row variable = category [, column variable = category]; one component: a margin"
* group.stratifier.stratum.component.code.text 1..1
* group.stratifier.stratum.component.value.text 1..1
* group.stratifier.stratum.population 1..1
* group.stratifier.stratum.population.code 1..1
* group.stratifier.stratum.population.code = $measure-population#initial-population
* group.stratifier.stratum.population.count ^short = "The cell's count (absent if suppressed)"

// ---------------------------------------------------------------- FederatedStatisticsResult
Invariant: fsres-study
Description: "Exactly one parameter study, with a canonical value (the study's url|version)"
Expression: "parameter.where(name = 'study').count() = 1 and parameter.where(name = 'study').value.is(FHIR.canonical)"
Severity: #error

Invariant: fsres-site-count
Description: "Exactly one parameter siteCount, with a positiveInt value (how many sites' vectors the sum covers)"
Expression: "parameter.where(name = 'siteCount').count() = 1 and parameter.where(name = 'siteCount').value.is(FHIR.positiveInt)"
Severity: #error

Invariant: fsres-report
Description: "At most one parameter report, whose resource is a MeasureReport (profile FederatedStatisticsReport)"
Expression: "parameter.where(name = 'report').count() <= 1 and parameter.where(name = 'report').all(resource.is(FHIR.MeasureReport) and value.empty() and part.empty())"
Severity: #error

Invariant: fsres-epsilon
Description: "Parameters epsilonSpent and epsilonBudget, if present, are single decimals"
Expression: "parameter.where(name = 'epsilonSpent').count() <= 1 and parameter.where(name = 'epsilonBudget').count() <= 1 and parameter.where(name = 'epsilonSpent' or name = 'epsilonBudget').all(value.is(FHIR.decimal))"
Severity: #error

Invariant: fsres-kind
Description: "Each statistic's parameter has exactly one kind part with a statistic-kind code"
Expression: "parameter.where(name != 'study' and name != 'siteCount' and name != 'report' and name != 'epsilonSpent' and name != 'epsilonBudget').all(part.where(name = 'kind').count() = 1 and part.where(name = 'kind').value in ('counts' | 'crosstab' | 'summary' | 'welch' | 'kaplan-meier' | 'logistic-regression'))"
Severity: #error

Invariant: fsres-masked
Description: "A part whose value carries no number is masked: its value has the data-absent-reason extension 'masked'"
Expression: "parameter.repeat(part).where(value.exists() and value.hasValue().not()).all(value.extension('http://hl7.org/fhir/StructureDefinition/data-absent-reason').value = 'masked')"
Severity: #error

Profile: FederatedStatisticsResult
Parent: Parameters
Id: FederatedStatisticsResult
Title: "Federated statistics result"
Description: "The return of the aggregator's $secure-stats: the study, the number of sites in the secure sum, one parameter per statistic (name = the statistic's name) whose parts hold its released figures, the counts and cross-tabulations also as a FederatedStatisticsReport in the parameter report, and the ε spent and budget if the study uses differential privacy. A suppressed figure is a part whose value carries no number, only data-absent-reason = masked; every statistic lists what was suppressed as suppressed parts (labels, never why)."
* obeys fsres-study and fsres-site-count and fsres-report and fsres-epsilon and fsres-kind and fsres-masked
* parameter 2..*
* parameter ^short = "study, siteCount, report (MeasureReport), epsilonSpent, epsilonBudget, and one parameter per statistic, by its name"
* parameter.name ^short = "study | siteCount | report | epsilonSpent | epsilonBudget | a statistic's name"

// ---------------------------------------------------------------- the site's $secure-stats
// The aggregator's $secure-stats (operations.fsh, OperationDefinition/secure-stats) runs a release.
// A hospital server answers the same code on its own copy of the study: the site joins the study at
// the aggregator and contributes when the aggregator runs it. Same code, different server and
// contract: hence a distinct id and canonical URL.
Instance: secure-stats-site
InstanceOf: OperationDefinition
Usage: #definition
Title: "$secure-stats (site)"
Description: "A site joins a statistics study: POST [site]/PlanDefinition/{id}/$secure-stats."
* url = "http://fedfhir.org/fhir/OperationDefinition/secure-stats-site"
* version = "0.1.0"
* name = "SecureStatsSite"
* title = "$secure-stats (site)"
* status = #active
* kind = #operation
* code = #secure-stats
* publisher = "FedFHIR project"
* description = "On a hospital server (fhir-fl-module): the site checks its copy of the statistics study (study kind statistics, status active, approved by an active StudyApproval naming its current study digest), extracts its cohort as for training, refuses if it holds more records than the study's maxRecordsPerSite, and joins the study at the aggregator over its outbound mutual-TLS connection, sending its own minimum cell count. Answers 202 Accepted with an informational OperationOutcome once the aggregator has accepted the join (the response is written by the server; no declared parameters), 502 with an OperationOutcome if the aggregator refused the join or could not be reached, 504 if it did not answer within 30 s; the site then contributes its masked vector when the aggregator runs $secure-stats (OperationDefinition secure-stats) and records its part in an AuditEvent (subtype secure-stats, naming the caller), never a value. POST only. Requires the data-steward role and user/PlanDefinition.r (or wider) (a user access token; otherwise 401 without a valid token, 403 without the role or scope, each an OperationOutcome)."
* affectsState = true
* resource[0] = #PlanDefinition
* system = false
* type = false
* instance = true
