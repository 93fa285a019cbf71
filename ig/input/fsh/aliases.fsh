// Code systems and canonical bases used throughout the FedFHIR guide.
Alias: $loinc = http://loinc.org
Alias: $sct = http://snomed.info/sct
Alias: $ucum = http://unitsofmeasure.org
Alias: $plan-definition-type = http://terminology.hl7.org/CodeSystem/plan-definition-type
Alias: $task-status = http://hl7.org/fhir/task-status
Alias: $gender = http://hl7.org/fhir/administrative-gender
Alias: $audit-event-type = http://terminology.hl7.org/CodeSystem/audit-event-type
Alias: $restful-interaction = http://hl7.org/fhir/restful-interaction
Alias: $audit-entity-type = http://terminology.hl7.org/CodeSystem/audit-entity-type
Alias: $object-role = http://terminology.hl7.org/CodeSystem/object-role
Alias: $provenance-agent-type = http://terminology.hl7.org/CodeSystem/provenance-participant-type
Alias: $provenance-entity-role = http://hl7.org/fhir/provenance-entity-role
Alias: $observation-category = http://terminology.hl7.org/CodeSystem/observation-category
Alias: $condition-clinical = http://terminology.hl7.org/CodeSystem/condition-clinical
Alias: $security-source-type = http://terminology.hl7.org/CodeSystem/security-source-type
Alias: $extra-security-role-type = http://terminology.hl7.org/CodeSystem/extra-security-role-type

Alias: $study-kind = http://fedfhir.org/fhir/CodeSystem/study-kind
Alias: $algorithm = http://fedfhir.org/fhir/CodeSystem/algorithm
Alias: $strategy = http://fedfhir.org/fhir/CodeSystem/strategy
Alias: $summary = http://fedfhir.org/fhir/CodeSystem/summary
Alias: $missing-value-policy = http://fedfhir.org/fhir/CodeSystem/missing-value-policy
Alias: $study-parameter = http://fedfhir.org/fhir/CodeSystem/study-parameter
Alias: $training-output = http://fedfhir.org/fhir/CodeSystem/training-output
Alias: $train-mode = http://fedfhir.org/fhir/CodeSystem/train-mode
Alias: $operation = http://fedfhir.org/fhir/CodeSystem/operation
Alias: $hd = http://fedfhir.org/fhir/CodeSystem/heart-disease-attribute

Alias: $ext-study-kind = http://fedfhir.org/fhir/StructureDefinition/study-kind
Alias: $ext-algorithm = http://fedfhir.org/fhir/StructureDefinition/algorithm
Alias: $ext-study-parameter = http://fedfhir.org/fhir/StructureDefinition/study-parameter
Alias: $ext-feature = http://fedfhir.org/fhir/StructureDefinition/feature
