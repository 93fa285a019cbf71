// The demo statistics study: fhir-fl-module/src/test/resources/studies/heart-disease-stats.json in
// FSH (same url, version, features and statistics), and what one release of it looks like.
// Uses the RuleSets of heart-disease-study.fsh.

RuleSet: Statistic(kind, name)
* action[0].extension[statistic][+].extension[kind].valueCode = #{kind}
* action[0].extension[statistic][=].extension[name].valueId = "{name}"

RuleSet: StatisticId(part, value)
* action[0].extension[statistic][=].extension[{part}][+].valueId = "{value}"

RuleSet: StatisticCode(part, value)
* action[0].extension[statistic][=].extension[{part}][+].valueCode = #{value}

RuleSet: StatisticDecimal(part, value)
* action[0].extension[statistic][=].extension[{part}][+].valueDecimal = {value}

RuleSet: Covariate(name, lower, upper)
* action[0].extension[statistic][=].extension[covariate][+].extension[name].valueId = "{name}"
* action[0].extension[statistic][=].extension[covariate][=].extension[lower].valueDecimal = {lower}
* action[0].extension[statistic][=].extension[covariate][=].extension[upper].valueDecimal = {upper}

// Id statistics-heart-disease (url …/PlanDefinition/heart-disease-stats): the guide's examples are
// listed by file name, and heart-disease (the training study) stays the first PlanDefinition.
Instance: statistics-heart-disease
InstanceOf: FederatedStatisticsStudy
Title: "Heart disease: secure statistics across the four UCI centres"
Description: "The demo statistics study: diagnosis by chest-pain type (crosstab with Pearson chi-square), cholesterol by sex (summary with histogram and quartiles), maximum heart rate by diagnosis (Welch t-test), logistic regression of the diagnosis on age, sex, maximum heart rate, exercise angina and ST depression (coefficients with standard errors, by federated Newton)."
Usage: #example
* url = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats"
* version = "1.0.0"
* name = "HeartDiseaseStatistics"
* title = "Heart disease: secure statistics across the four UCI centres"
* type = $plan-definition-type#workflow-definition
* status = #active
* date = "2026-11-23"
* publisher = "FedFHIR demo network"
* description = "Diagnosis by chest-pain type (Pearson chi-square), cholesterol by sex (summary with histogram and quartiles), maximum heart rate by diagnosis (Welch t-test), logistic regression of the diagnosis on age, sex, maximum heart rate, exercise angina and ST depression (coefficients with standard errors, by federated Newton): totals across hospitals only, computed by secure aggregation, small counts suppressed."
* extension[studyKind].valueCode = #statistics
* extension[missingValuePolicy].valueCode = #impute-mean
* insert IntegerParameter(min-sites, 3)
* insert IntegerParameter(threshold, 3)
* extension[cohort].extension[minAge].valueInteger = 18
* extension[disclosureControl].extension[minCellCount].valuePositiveInt = 5
* extension[disclosureControl].extension[maxRecordsPerSite].valuePositiveInt = 100000
* action[0].title = "Statistics of the heart-disease cohort"
* insert PatientFeature(age)
* insert PatientFeature(sex)
* insert UnitlessObservationFeature(cp, $hd#chest-pain-type "Chest pain type")
* insert ObservationFeature(trestbps, $loinc#8480-6 "Systolic blood pressure", "mm[Hg]")
* insert ObservationFeature(chol, $loinc#2093-3 "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL")
* insert UnitlessObservationFeature(fbs, $hd#fasting-glucose-over-120 "Fasting blood sugar > 120 mg/dL")
* insert UnitlessObservationFeature(restecg, $hd#resting-ecg "Resting electrocardiographic result")
* insert ObservationFeature(thalach, [[$hd#max-heart-rate "Maximum heart rate achieved (exercise test)"]], "/min")
* insert UnitlessObservationFeature(exang, $hd#exercise-angina "Exercise induced angina")
* insert ObservationFeature(oldpeak, $hd#st-depression "ST depression induced by exercise relative to rest", mm)
* insert UnitlessObservationFeature(slope, $hd#st-slope "Slope of the peak exercise ST segment")
* insert UnitlessObservationFeature(ca, $hd#major-vessels "Number of major vessels coloured by fluoroscopy")
* insert UnitlessObservationFeature(thal, $hd#thal "Thallium stress test result")
* action[0].output[0].type = #Condition
* action[0].output[0].codeFilter[0].path = "code"
* action[0].output[0].codeFilter[0].code[0] = $sct#53741008 "Coronary arteriosclerosis"
// 1. diagnosis by chest-pain type: 4 × 2 table
* insert Statistic(crosstab, cp-by-diagnosis)
* insert StatisticId(row, cp)
* insert StatisticCode(rowCategory, 1)
* insert StatisticCode(rowCategory, 2)
* insert StatisticCode(rowCategory, 3)
* insert StatisticCode(rowCategory, 4)
* insert StatisticId(column, label)
* insert StatisticCode(columnCategory, 0)
* insert StatisticCode(columnCategory, 1)
// 2. cholesterol by sex: summary, 12 bins, quartiles
* insert Statistic(summary, chol-by-sex)
* insert StatisticId(variable, chol)
* insert StatisticId(groupBy, sex)
* insert StatisticCode(group, 0)
* insert StatisticCode(group, 1)
* insert StatisticDecimal(lower, 80)
* insert StatisticDecimal(upper, 640)
* insert StatisticDecimal(binEdge, 80)
* insert StatisticDecimal(binEdge, 160)
* insert StatisticDecimal(binEdge, 200)
* insert StatisticDecimal(binEdge, 220)
* insert StatisticDecimal(binEdge, 240)
* insert StatisticDecimal(binEdge, 260)
* insert StatisticDecimal(binEdge, 280)
* insert StatisticDecimal(binEdge, 300)
* insert StatisticDecimal(binEdge, 320)
* insert StatisticDecimal(binEdge, 340)
* insert StatisticDecimal(binEdge, 360)
* insert StatisticDecimal(binEdge, 400)
* insert StatisticDecimal(binEdge, 640)
* insert StatisticDecimal(quantile, 0.25)
* insert StatisticDecimal(quantile, 0.5)
* insert StatisticDecimal(quantile, 0.75)
// 3. maximum heart rate by diagnosis: Welch t-test
* insert Statistic(welch, thalach-by-diagnosis)
* insert StatisticId(variable, thalach)
* insert StatisticId(groupBy, label)
* insert StatisticCode(group, 1)
* insert StatisticCode(group, 0)
* insert StatisticDecimal(lower, 60)
* insert StatisticDecimal(upper, 210)
// 4. diagnosis on age, sex, maximum heart rate, exercise angina and ST depression: logistic
//    regression (the intercept first, then the covariates in this order)
* insert Statistic(logistic-regression, diagnosis-model)
* insert StatisticId(variable, label)
* insert Covariate(age, 18, 100)
* insert Covariate(sex, 0, 1)
* insert Covariate(thalach, 50, 220)
* insert Covariate(exang, 0, 1)
* insert Covariate(oldpeak, -3, 7)

// ---------------------------------------------------------------- one release (illustrative figures)
RuleSet: Cell(row, rowValue, column, columnValue, count)
* group[0].stratifier[0].stratum[+].component[0].code.text = "{row}"
* group[0].stratifier[0].stratum[=].component[0].value.text = "{rowValue}"
* group[0].stratifier[0].stratum[=].component[1].code.text = "{column}"
* group[0].stratifier[0].stratum[=].component[1].value.text = "{columnValue}"
* group[0].stratifier[0].stratum[=].population[0].code = $measure-population#initial-population "Initial Population"
* group[0].stratifier[0].stratum[=].population[0].count = {count}

RuleSet: SuppressedCell(row, rowValue, column, columnValue)
* group[0].stratifier[0].stratum[+].extension[suppressed].valueBoolean = true
* group[0].stratifier[0].stratum[=].component[0].code.text = "{row}"
* group[0].stratifier[0].stratum[=].component[0].value.text = "{rowValue}"
* group[0].stratifier[0].stratum[=].component[1].code.text = "{column}"
* group[0].stratifier[0].stratum[=].component[1].value.text = "{columnValue}"
* group[0].stratifier[0].stratum[=].population[0].code = $measure-population#initial-population "Initial Population"

RuleSet: Margin(variable, value, count)
* group[0].stratifier[0].stratum[+].component[0].code.text = "{variable}"
* group[0].stratifier[0].stratum[=].component[0].value.text = "{value}"
* group[0].stratifier[0].stratum[=].population[0].code = $measure-population#initial-population "Initial Population"
* group[0].stratifier[0].stratum[=].population[0].count = {count}

Instance: heart-disease-stats-report
InstanceOf: FederatedStatisticsReport
Title: "Counts of one heart-disease statistics release"
Description: "The crosstab cp-by-diagnosis of one $secure-stats release (illustrative figures) as the aggregator renders it: one stratum per cell in row-major order, each row's margin after its cells, then the column margins. The cell cp = 1, label = 0 (3 < minCellCount 5) is suppressed, and with it the complementary cells of a rectangle, so that no suppressed count follows from the released cells and margins."
Usage: #example
* extension[siteCount].valuePositiveInt = 3
* extension[study].valueCanonical = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats|1.0.0"
* status = #complete
* type = #summary
* measure = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats|1.0.0"
* date = "2026-11-23T12:00:00Z"
* reporter.display = "fedfhir-aggregator"
* period.start = "2026-11-23T12:00:00Z"
* period.end = "2026-11-23T12:00:00Z"
* group[0].code.text = "cp-by-diagnosis"
* group[0].population[0].code = $measure-population#initial-population "Initial Population"
* group[0].population[0].count = 159
* group[0].stratifier[0].code[0].text = "cp×label"
* insert SuppressedCell(cp, 1, label, 0)
* insert SuppressedCell(cp, 1, label, 1)
* insert Margin(cp, 1, 12)
* insert SuppressedCell(cp, 2, label, 0)
* insert SuppressedCell(cp, 2, label, 1)
* insert Margin(cp, 2, 38)
* insert Cell(cp, 3, label, 0, 22)
* insert Cell(cp, 3, label, 1, 11)
* insert Margin(cp, 3, 33)
* insert Cell(cp, 4, label, 0, 15)
* insert Cell(cp, 4, label, 1, 61)
* insert Margin(cp, 4, 76)
* insert Margin(label, 0, 71)
* insert Margin(label, 1, 88)

RuleSet: Part(name, type, value)
* parameter[=].part[+].name = "{name}"
* parameter[=].part[=].value{type} = {value}

RuleSet: MaskedDecimalPart(name)
* parameter[=].part[+].name = "{name}"
* parameter[=].part[=].valueDecimal.extension[0].url = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
* parameter[=].part[=].valueDecimal.extension[0].valueCode = #masked

RuleSet: GroupPart(name, type, value)
* parameter[=].part[=].part[+].name = "{name}"
* parameter[=].part[=].part[=].value{type} = {value}

RuleSet: Bin(lower, upper, count)
* parameter[=].part[=].part[+].name = "bin"
* parameter[=].part[=].part[=].part[+].name = "lower"
* parameter[=].part[=].part[=].part[=].valueDecimal = {lower}
* parameter[=].part[=].part[=].part[+].name = "upper"
* parameter[=].part[=].part[=].part[=].valueDecimal = {upper}
* parameter[=].part[=].part[=].part[+].name = "count"
* parameter[=].part[=].part[=].part[=].valueInteger = {count}

RuleSet: Coefficient(term, estimate, se, z, pValue)
* parameter[=].part[+].name = "coefficient"
* parameter[=].part[=].part[+].name = "name"
* parameter[=].part[=].part[=].valueString = "{term}"
* parameter[=].part[=].part[+].name = "estimate"
* parameter[=].part[=].part[=].valueDecimal = {estimate}
* parameter[=].part[=].part[+].name = "se"
* parameter[=].part[=].part[=].valueDecimal = {se}
* parameter[=].part[=].part[+].name = "z"
* parameter[=].part[=].part[=].valueDecimal = {z}
* parameter[=].part[=].part[+].name = "pValue"
* parameter[=].part[=].part[=].valueDecimal = {pValue}

RuleSet: Quantile(level, value)
* parameter[=].part[=].part[+].name = "quantile"
* parameter[=].part[=].part[=].part[+].name = "level"
* parameter[=].part[=].part[=].part[=].valueDecimal = {level}
* parameter[=].part[=].part[=].part[+].name = "value"
* parameter[=].part[=].part[=].part[=].valueDecimal = {value}

Instance: heart-disease-stats-result
InstanceOf: FederatedStatisticsResult
Title: "One heart-disease statistics release"
Description: "The answer of the aggregator's $secure-stats for heart-disease-stats (illustrative figures): the crosstab with its chi-square masked (the table has suppressed cells) and its counts in the report, the cholesterol summary per sex (one bin and the minimum interval of the women's group suppressed), the Welch t-test, the logistic regression diagnosis-model (coefficients with standard errors, Wald z and p-values; converged in 6 Newton iterations)."
Usage: #example
* parameter[+].name = "study"
* parameter[=].valueCanonical = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats|1.0.0"
* parameter[+].name = "siteCount"
* parameter[=].valuePositiveInt = 3
* parameter[+].name = "report"
* parameter[=].resource = heart-disease-stats-report
// 1. the crosstab
* parameter[+].name = "cp-by-diagnosis"
* insert Part(kind, Code, #crosstab)
* insert Part(report, String, "MeasureReport group 'cp-by-diagnosis'")
* insert Part(total, Integer, 159)
* insert MaskedDecimalPart(chiSquare)
* insert MaskedDecimalPart(pValue)
* insert Part(suppressed, String, "cp=1\, label=0")
* insert Part(suppressed, String, "cp=1\, label=1")
* insert Part(suppressed, String, "cp=2\, label=0")
* insert Part(suppressed, String, "cp=2\, label=1")
// 2. the summary (bins: the released partition)
* parameter[+].name = "chol-by-sex"
* insert Part(kind, Code, #summary)
* insert Part(variable, String, "chol")
* insert Part(groupBy, String, "sex")
* insert Part(lower, Decimal, 80)
* insert Part(upper, Decimal, 640)
* parameter[=].part[+].name = "group"
* insert GroupPart(category, String, "0")
* insert GroupPart(count, Integer, 41)
* insert GroupPart(mean, Decimal, 254.3)
* insert GroupPart(variance, Decimal, 3204.5)
* insert GroupPart(sd, Decimal, 56.6)
* parameter[=].part[=].part[+].name = "minLower"
* parameter[=].part[=].part[=].valueDecimal.extension[0].url = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
* parameter[=].part[=].part[=].valueDecimal.extension[0].valueCode = #masked
* parameter[=].part[=].part[+].name = "minUpper"
* parameter[=].part[=].part[=].valueDecimal.extension[0].url = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
* parameter[=].part[=].part[=].valueDecimal.extension[0].valueCode = #masked
* insert GroupPart(maxLower, Decimal, 400)
* insert GroupPart(maxUpper, Decimal, 640)
* insert Quantile(0.25, 215.0)
* insert Quantile(0.5, 250.0)
* insert Quantile(0.75, 290.0)
* parameter[=].part[=].part[+].name = "bin"
* parameter[=].part[=].part[=].part[+].name = "lower"
* parameter[=].part[=].part[=].part[=].valueDecimal = 80
* parameter[=].part[=].part[=].part[+].name = "upper"
* parameter[=].part[=].part[=].part[=].valueDecimal = 200
* parameter[=].part[=].part[=].part[+].name = "count"
* parameter[=].part[=].part[=].part[=].valueInteger.extension[0].url = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
* parameter[=].part[=].part[=].part[=].valueInteger.extension[0].valueCode = #masked
* insert Bin(200, 260, 15)
* insert Bin(260, 320, 12)
* insert Bin(320, 640, 11)
* insert GroupPart(clipped, Integer, 0)
* parameter[=].part[+].name = "group"
* insert GroupPart(category, String, "1")
* insert GroupPart(count, Integer, 118)
* insert GroupPart(mean, Decimal, 236.9)
* insert GroupPart(variance, Decimal, 2310.2)
* insert GroupPart(sd, Decimal, 48.1)
* insert GroupPart(minLower, Decimal, 80)
* insert GroupPart(minUpper, Decimal, 160)
* insert GroupPart(maxLower, Decimal, 400)
* insert GroupPart(maxUpper, Decimal, 640)
* insert Quantile(0.25, 205.0)
* insert Quantile(0.5, 235.0)
* insert Quantile(0.75, 266.0)
* insert Bin(80, 160, 6)
* insert Bin(160, 200, 20)
* insert Bin(200, 240, 34)
* insert Bin(240, 280, 31)
* insert Bin(280, 400, 21)
* insert Bin(400, 640, 6)
* insert GroupPart(clipped, Integer, 1)
* parameter[=].part[+].name = "suppressed"
* parameter[=].part[=].valueString = "sex=0, chol in [80, 200)"
// 3. the Welch t-test
* parameter[+].name = "thalach-by-diagnosis"
* insert Part(kind, Code, #welch)
* insert Part(variable, String, "thalach")
* insert Part(groupBy, String, "label")
* parameter[=].part[+].name = "group"
* insert GroupPart(category, String, "1")
* insert GroupPart(count, Integer, 88)
* insert GroupPart(mean, Decimal, 128.4)
* insert GroupPart(variance, Decimal, 488.4)
* insert GroupPart(sd, Decimal, 22.1)
* parameter[=].part[+].name = "group"
* insert GroupPart(category, String, "0")
* insert GroupPart(count, Integer, 71)
* insert GroupPart(mean, Decimal, 148.9)
* insert GroupPart(variance, Decimal, 436.8)
* insert GroupPart(sd, Decimal, 20.9)
* insert Part(meanDifference, Decimal, 20.5)
* insert Part(t, Decimal, 6.0)
* insert Part(df, Decimal, 154.2)
* insert Part(pValue, Decimal, 0.0000000123)
// 4. the logistic regression (coefficients: the intercept, then the covariates in declared order)
* parameter[+].name = "diagnosis-model"
* insert Part(kind, Code, #logistic-regression)
* insert Part(variable, String, "label")
* insert Part(count, Integer, 152)
* insert Part(siteCount, PositiveInt, 3)
* insert Part(iterations, Integer, 6)
* insert Part(converged, Boolean, true)
* insert Coefficient((intercept\), -0.51, 2.12, -0.24, 0.81)
* insert Coefficient(age, 0.030, 0.024, 1.25, 0.21)
* insert Coefficient(sex, 1.42, 0.51, 2.78, 0.0054)
* insert Coefficient(thalach, -0.021, 0.0090, -2.33, 0.020)
* insert Coefficient(exang, 1.38, 0.47, 2.94, 0.0033)
* insert Coefficient(oldpeak, 0.62, 0.23, 2.70, 0.0070)
