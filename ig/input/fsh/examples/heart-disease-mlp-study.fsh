// A neural network study: algorithm mlp, two hidden layers, dropout. See docs/federation.md, "Neural network".

RuleSet: StringParameter(name, value)
* extension[parameter][+].extension[name].valueCode = #{name}
* extension[parameter][=].extension[value].valueString = "{value}"

Instance: heart-disease-mlp
InstanceOf: FederatedStudy
Title: "Heart disease: federated neural network (UCI, 6 features)"
Description: "Presence of coronary artery disease (SNOMED 53741008) from six UCI Heart Disease attributes by a neural network of two hidden tanh layers (16 and 8 units, dropout 0.1), trained with FedAdam across the sites and served by the TEE model service."
Usage: #example
* url = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-mlp"
* version = "1.0.0"
* name = "HeartDiseaseNeuralNetwork"
* title = "Heart disease: federated neural network (UCI, 6 features)"
* type = $plan-definition-type#workflow-definition
* status = #active
* date = "2026-12-06"
* publisher = "FedFHIR demo network"
* description = "Presence of coronary artery disease predicted by a small neural network from age, sex, chest pain type, maximum heart rate, exercise angina and ST depression (UCI Heart Disease; Janosi, Steinbrunn, Pfisterer, Detrano 1988; CC BY 4.0)."
* extension[studyKind].valueCode = #training
* extension[algorithm].valueCoding = $algorithm#mlp "Neural network"
* extension[missingValuePolicy].valueCode = #impute-mean
* insert IntegerParameter(rounds, 10)
* insert IntegerParameter(local-epochs, 3)
* insert DecimalParameter(learning-rate, 0.1)
* insert DecimalParameter(server-learning-rate, 0.01)
* insert IntegerParameter(seed, 43)
* insert IntegerParameter(min-sites, 3)
* insert CodeParameter(strategy, fedadam)
* insert StringParameter(hidden-layers, [[16,8]])
* insert DecimalParameter(dropout, 0.1)
* extension[cohort].extension[minAge].valueInteger = 18
* action[0].title = "Coronary artery disease risk network"
* insert PatientFeature(age)
* insert PatientFeature(sex)
* insert UnitlessObservationFeature(cp, $hd#chest-pain-type "Chest pain type")
* insert ObservationFeature(thalach, [[$hd#max-heart-rate "Maximum heart rate achieved (exercise test)"]], "/min")
* insert UnitlessObservationFeature(exang, $hd#exercise-angina "Exercise induced angina")
* insert ObservationFeature(oldpeak, $hd#st-depression "ST depression induced by exercise relative to rest", mm)
* action[0].output[0].type = #Condition
* action[0].output[0].codeFilter[0].path = "code"
* action[0].output[0].codeFilter[0].code[0] = $sct#53741008 "Coronary arteriosclerosis"
