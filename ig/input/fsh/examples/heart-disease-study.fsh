// The demo study: heart disease (UCI, four hospitals), logistic regression on the 13 UCI features.
// Worked example of ig/README.md, "Writing a study".

// One feature read from Observations with the given code, converted to the given UCUM unit.
RuleSet: ObservationFeature(name, code, unit)
* action[0].input[+].type = #Observation
* action[0].input[=].codeFilter[0].path = "code"
* action[0].input[=].codeFilter[0].code[0] = {code}
* action[0].input[=].extension[feature].extension[name].valueId = "{name}"
* action[0].input[=].extension[feature].extension[unit].valueCoding = $ucum#{unit}

// One feature read from Observations whose value has no unit (valueInteger or valueBoolean).
RuleSet: UnitlessObservationFeature(name, code)
* action[0].input[+].type = #Observation
* action[0].input[=].codeFilter[0].path = "code"
* action[0].input[=].codeFilter[0].code[0] = {code}
* action[0].input[=].extension[feature].extension[name].valueId = "{name}"

// age or sex, read from the Patient resource.
RuleSet: PatientFeature(name)
* action[0].input[+].type = #Patient
* action[0].input[=].extension[feature].extension[name].valueId = "{name}"

RuleSet: IntegerParameter(name, value)
* extension[parameter][+].extension[name].valueCode = #{name}
* extension[parameter][=].extension[value].valueInteger = {value}

RuleSet: DecimalParameter(name, value)
* extension[parameter][+].extension[name].valueCode = #{name}
* extension[parameter][=].extension[value].valueDecimal = {value}

RuleSet: CodeParameter(name, value)
* extension[parameter][+].extension[name].valueCode = #{name}
* extension[parameter][=].extension[value].valueCode = #{value}

RuleSet: BooleanParameter(name, value)
* extension[parameter][+].extension[name].valueCode = #{name}
* extension[parameter][=].extension[value].valueBoolean = {value}

Instance: heart-disease
InstanceOf: FederatedStudy
Title: "Heart disease: federated logistic regression (UCI, 13 features)"
Description: "The demo study: presence of coronary artery disease (SNOMED 53741008) from the 13 UCI Heart Disease attributes, by logistic regression trained with FedAvg across the four centres (Cleveland, Budapest, Zurich/Basel, VA Long Beach)."
Usage: #example
* url = "http://fedfhir.org/fhir/PlanDefinition/heart-disease"
* version = "1.0.0"
* name = "HeartDiseaseLogisticRegression"
* title = "Heart disease: federated logistic regression (UCI, 13 features)"
* type = $plan-definition-type#workflow-definition
* status = #active
* date = "2026-11-23"
* publisher = "FedFHIR demo network"
* description = "Presence of coronary artery disease (angiographic, > 50 % diameter narrowing) predicted from the 13 attributes of the UCI Heart Disease data (Janosi, Steinbrunn, Pfisterer, Detrano 1988; CC BY 4.0)."
* extension[studyKind].valueCode = #training
* extension[algorithm].valueCoding = $algorithm#logistic-regression "Logistic regression"
* extension[missingValuePolicy].valueCode = #impute-mean
* extension[riskBands].extension[low].valueDecimal = 0.15
* extension[riskBands].extension[high].valueDecimal = 0.6
* insert IntegerParameter(rounds, 20)
* insert IntegerParameter(local-epochs, 5)
* insert DecimalParameter(learning-rate, 0.1)
* insert DecimalParameter(l2, 0.0)
* insert IntegerParameter(seed, 43)
* insert DecimalParameter(test-fraction, 0.34)
* insert IntegerParameter(min-sites, 3)
* insert IntegerParameter(threshold, 3)
* insert CodeParameter(strategy, fedavg)
* insert BooleanParameter(share-model-with-owner, false)
* extension[cohort].extension[minAge].valueInteger = 18
* action[0].title = "Coronary artery disease risk model"
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
