// Writes ig/invalid/: must-fail variants of the guide's examples, one per key rule, and
// invalid/manifest.json with the profile each is validated against and the message it must fail with.
// Run by build.sh after SUSHI (so the variants follow the examples); the output is committed and
// covered by the staleness check. Usage: node invalid-cases.mjs <sushi-output-dir> <invalid-dir>
import fs from 'node:fs';
import path from 'node:path';

const [resourcesDir, outDir] = [process.argv[2] ?? 'fsh-generated/resources', process.argv[3] ?? 'invalid'];
const base = 'http://fedfhir.org/fhir/StructureDefinition/';
const P = 'http://fedfhir.org/fhir/StructureDefinition/study-parameter';
const read = file => JSON.parse(fs.readFileSync(path.join(resourcesDir, file), 'utf8'));
const param = (study, name) => study.extension.find(e => e.url === P && e.extension.find(x => x.url === 'name').valueCode === name);
const featureExt = input => input.extension.find(e => e.url === base + 'feature');
const withoutExt = (r, url) => { r.extension = r.extension.filter(e => e.url !== url); };

const STUDY = ['PlanDefinition-heart-disease.json', base + 'FederatedStudy'];
const APPROVAL = ['ResearchStudy-heart-disease-approval.json', base + 'StudyApproval'];
const TASK = ['Task-heart-disease-training.json', base + 'TrainingTask'];
const RISK = ['RiskAssessment-heart-disease-risk.json', base + 'FederatedRiskAssessment'];
const PROVENANCE = ['Provenance-heart-disease-risk-provenance.json', base + 'FederatedModelProvenance'];
const AUDIT = ['AuditEvent-heart-disease-infer-audit.json', base + 'FedFhirAuditEvent'];
const STATS = ['PlanDefinition-statistics-heart-disease.json', base + 'FederatedStatisticsStudy'];
const REPORT = ['MeasureReport-heart-disease-stats-report.json', base + 'FederatedStatisticsReport'];
const RESULT = ['Parameters-heart-disease-stats-result.json', base + 'FederatedStatisticsResult'];

// statistics studies: the statistic extensions on the action, by name; their parts
const stat = (s, name) => s.action[0].extension.find(e => e.url === base + 'statistic'
  && e.extension.find(x => x.url === 'name').valueId === name);
const statPart = (st, url) => st.extension.find(x => x.url === url);
const withoutPart = (st, url) => { st.extension = st.extension.filter(x => x.url !== url); };
const covariate = (st, name) => st.extension.find(x => x.url === 'covariate'
  && x.extension.find(y => y.url === 'name').valueId === name);
const covariatePart = (cov, url) => cov.extension.find(y => y.url === url);
const disclosure = s => s.extension.find(e => e.url === base + 'disclosure-control');
// statistics results: a statistic's parameter, and one of its parts
const resultParam = (p, name) => p.parameter.find(x => x.name === name);

// [name, [example, profile], rule, expected message (substring), mutation]
const cases = [
  ['study-two-actions', STUDY, 'exactly one action', 'PlanDefinition.action: max allowed = 1, but found 2',
    s => { s.action.push(structuredClone(s.action[0])); }],
  ['study-no-input', STUDY, 'at least one feature', 'PlanDefinition.action.input: minimum required = 1, but only found 0',
    s => { delete s.action[0].input; }],
  ['study-two-outputs', STUDY, 'exactly one label', 'PlanDefinition.action.output: max allowed = 1, but found 2',
    s => { s.action[0].output.push(structuredClone(s.action[0].output[0])); }],
  ['study-duplicate-feature-name', STUDY, 'feature names unique', 'fs-feature-names',
    s => { featureExt(s.action[0].input[4]).extension[0].valueId = 'trestbps'; }],
  ['study-training-without-algorithm', STUDY, 'algorithm required for training studies', 'fs-algorithm',
    s => withoutExt(s, base + 'algorithm')],
  ['study-threshold-above-min-sites', STUDY, 'threshold <= min-sites', 'fs-threshold',
    s => { param(s, 'threshold').extension[1].valueInteger = 4; }],
  ['study-threshold-above-default-min-sites', STUDY, 'threshold <= min-sites (default 3)', 'fs-threshold',
    s => { s.extension = s.extension.filter(e => e !== param(s, 'min-sites')); param(s, 'threshold').extension[1].valueInteger = 5; }],
  ['study-repeated-parameter', STUDY, 'one value per parameter', 'fs-parameter-names',
    s => { s.extension.push(structuredClone(param(s, 'rounds'))); }],
  ['study-parameter-wrong-type', STUDY, 'one type per parameter name', 'sp-int',
    s => { const v = param(s, 'rounds').extension[1]; delete v.valueInteger; v.valueDecimal = 20.5; }],
  ['study-parameter-out-of-range', STUDY, 'test-fraction in (0,1)', 'sp-range-fraction',
    s => { param(s, 'test-fraction').extension[1].valueDecimal = 1.5; }],
  ['study-unknown-strategy', STUDY, 'strategy from the strategy code system', 'sp-strategy',
    s => { param(s, 'strategy').extension[1].valueCode = 'fedsgd'; }],
  ['study-unknown-parameter', STUDY, 'parameter names from the study-parameter code system', 'http://fedfhir.org/fhir/ValueSet/study-parameter',
    s => { param(s, 'l2').extension[0].valueCode = 'weight-decay'; }],
  ['study-unknown-algorithm', STUDY, 'algorithm from the algorithm code system', 'http://fedfhir.org/fhir/ValueSet/algorithm',
    s => { s.extension.find(e => e.url === base + 'algorithm').valueCoding.code = 'random-forest'; }],
  ['study-without-kind', STUDY, 'study kind 1..1', "Slice 'PlanDefinition.extension:studyKind' for extension 'http://fedfhir.org/fhir/StructureDefinition/study-kind': a matching slice is required, but not found",
    s => withoutExt(s, base + 'study-kind')],
  ['study-without-missing-value-policy', STUDY, 'missing-value policy 1..1', "Slice 'PlanDefinition.extension:missingValuePolicy' for extension 'http://fedfhir.org/fhir/StructureDefinition/missing-value-policy': a matching slice is required, but not found",
    s => withoutExt(s, base + 'missing-value-policy')],
  ['study-without-version', STUDY, 'url and version 1..1', 'PlanDefinition.version: minimum required = 1, but only found 0',
    s => { delete s.version; }],
  ['study-feature-without-name', STUDY, 'every feature has a name', "Slice 'Extension.extension:name': a matching slice is required, but not found (from http://fedfhir.org/fhir/StructureDefinition/feature",
    s => { featureExt(s.action[0].input[3]).extension = featureExt(s.action[0].input[3]).extension.filter(x => x.url !== 'name'); }],
  ['study-feature-without-code', STUDY, 'Observation features have a code filter', 'fs-input-code',
    s => { delete s.action[0].input[3].codeFilter; }],
  ['study-feature-unsupported-type', STUDY, 'features from Observation, Condition or Patient', 'fs-input-type',
    s => { s.action[0].input[3].type = 'MedicationStatement'; }],
  ['study-patient-feature-unknown', STUDY, 'Patient features are age or sex', 'fs-patient-feature',
    s => { featureExt(s.action[0].input[0]).extension[0].valueId = 'bmi'; }],
  ['study-label-not-condition', STUDY, 'the label is a Condition', 'fs-label',
    s => { s.action[0].output[0].type = 'Observation'; }],
  ['study-feature-unit-not-ucum', STUDY, 'feature units are UCUM', 'http://unitsofmeasure.org',
    s => { featureExt(s.action[0].input[3]).extension[1].valueCoding.system = 'http://example.org/units'; }],
  ['study-cohort-min-above-max', STUDY, 'minAge <= maxAge', 'cc-1',
    s => { s.extension.find(e => e.url === base + 'cohort-criteria').extension.push({ url: 'maxAge', valueInteger: 10 }); }],
  ['approval-without-protocol', APPROVAL, 'an approval names its study', 'ResearchStudy.protocol: minimum required = 1, but only found 0',
    r => { delete r.protocol; }],
  ['approval-without-digest', APPROVAL, 'an approval names the study digest it approves',
    "Slice 'ResearchStudy.extension:approvedStudyDigest'",
    r => withoutExt(r, base + 'approved-study-digest')],
  ['approval-digest-malformed', APPROVAL, 'the approved digest is sha256: and 64 lower-case hex digits', 'asd-format',
    r => { r.extension.find(e => e.url === base + 'approved-study-digest').valueString = 'sha256:C28946F4'; }],
  ['task-without-focus', TASK, 'a training Task names its study', 'Task.focus: minimum required = 1, but only found 0',
    t => { delete t.focus; }],
  ['task-failed-without-reason', TASK, 'a failed Task says why', 'tt-failed',
    t => { t.status = 'failed'; }],
  ['task-status-outside-lifecycle', TASK, 'status requested | in-progress | completed | failed', 'http://fedfhir.org/fhir/ValueSet/training-task-status',
    t => { t.status = 'on-hold'; }],
  ['task-metric-above-one', TASK, 'metrics in [0,1]', 'tt-output-metric',
    t => { t.output.find(o => o.type.coding[0].code === 'accuracy').valueDecimal = 81; }],
  ['task-count-not-integer', TASK, 'counts are non-negative integers', 'tt-output-count',
    t => { const o = t.output.find(o => o.type.coding[0].code === 'train-count'); delete o.valueInteger; o.valueDecimal = 199.5; }],
  ['task-wrong-operation', TASK, 'instantiatesUri is the $train OperationDefinition', 'Task.instantiatesUri',
    t => { t.instantiatesUri = 'http://fedfhir.org/fhir/OperationDefinition/infer'; }],
  ['risk-probability-above-one', RISK, 'probability in [0,1]', 'ra-probability',
    r => { r.prediction[0].probabilityDecimal = 27; }],
  ['risk-without-basis', RISK, 'basis names the data used', 'RiskAssessment.basis: minimum required = 1, but only found 0',
    r => { delete r.basis; }],
  ['risk-without-study', RISK, 'the study is named', "Slice 'RiskAssessment.extension:study' for extension 'http://fedfhir.org/fhir/StructureDefinition/study': a matching slice is required, but not found",
    r => withoutExt(r, base + 'study')],
  ['provenance-without-site-count', PROVENANCE, 'the sites count is recorded', "Slice 'Provenance.extension:siteCount' for extension 'http://fedfhir.org/fhir/StructureDefinition/site-count': a matching slice is required, but not found",
    p => withoutExt(p, base + 'site-count')],
  ['audit-without-operation', AUDIT, 'the operation is recorded', "Slice 'AuditEvent.subtype:operation': a matching slice is required, but not found",
    a => { a.subtype = a.subtype.filter(c => c.system !== 'http://fedfhir.org/fhir/CodeSystem/operation'); }],
  ['stats-without-statistic', STATS, 'a statistics study declares at least one statistic', "Slice 'PlanDefinition.action.extension:statistic' for extension 'http://fedfhir.org/fhir/StructureDefinition/statistic': a matching slice is required, but not found",
    s => { s.action[0].extension = s.action[0].extension.filter(e => e.url !== base + 'statistic'); }],
  ['stats-kind-training', STATS, 'study kind statistics', "Value is 'training' but is fixed to 'statistics'",
    s => { s.extension.find(e => e.url === base + 'study-kind').valueCode = 'training'; }],
  ['stats-unknown-statistic-kind', STATS, 'kind from the statistic-kind code system', 'http://fedfhir.org/fhir/ValueSet/statistic-kind',
    s => { statPart(stat(s, 'chol-by-sex'), 'kind').valueCode = 'anova'; }],
  ['stats-crosstab-without-column', STATS, 'a crosstab names row and column and their categories', 'st-crosstab',
    s => { withoutPart(stat(s, 'cp-by-diagnosis'), 'column'); }],
  ['stats-summary-without-bounds', STATS, 'a summary names its variable and bounds', 'st-summary',
    s => { withoutPart(stat(s, 'chol-by-sex'), 'upper'); withoutPart(stat(s, 'chol-by-sex'), 'binEdge'); }],
  ['stats-welch-three-groups', STATS, 'a Welch t-test compares exactly two groups', 'st-welch',
    s => { stat(s, 'thalach-by-diagnosis').extension.push({ url: 'group', valueCode: '2' }); }],
  ['stats-duplicate-category', STATS, 'categories and groups are distinct', 'st-categories',
    s => { stat(s, 'cp-by-diagnosis').extension.find(x => x.url === 'rowCategory' && x.valueCode === '2').valueCode = '1'; }],
  ['stats-bounds-reversed', STATS, 'lower < upper', 'st-bounds',
    s => { statPart(stat(s, 'thalach-by-diagnosis'), 'lower').valueDecimal = 250; }],
  ['stats-bin-edges-not-bounds', STATS, 'bin edges run from lower to upper', 'st-bin-edges',
    s => { stat(s, 'chol-by-sex').extension.filter(x => x.url === 'binEdge').at(-1).valueDecimal = 600; }],
  ['stats-quantile-outside-unit-interval', STATS, 'quantile levels in (0, 1)', 'st-quantile',
    s => { stat(s, 'chol-by-sex').extension.find(x => x.url === 'quantile').valueDecimal = 1.5; }],
  ['stats-epsilon-on-welch', STATS, 'only counts, crosstab and summary spend epsilon', 'st-epsilon',
    s => { stat(s, 'thalach-by-diagnosis').extension.push({ url: 'epsilon', valueDecimal: 0.5 });
      disclosure(s).extension.push({ url: 'epsilonBudget', valueDecimal: 1 }); }],
  ['stats-logistic-regression-without-covariate', STATS, 'a logistic regression names its outcome and covariates', 'st-logistic-regression',
    s => { withoutPart(stat(s, 'diagnosis-model'), 'covariate'); }],
  ['stats-covariate-bounds-reversed', STATS, 'covariate lower < upper', 'st-logistic-regression',
    s => { covariatePart(covariate(stat(s, 'diagnosis-model'), 'oldpeak'), 'lower').valueDecimal = 7; }],
  ['stats-covariate-on-summary', STATS, 'only a logistic regression has covariates', 'st-covariate',
    s => { stat(s, 'chol-by-sex').extension.push(structuredClone(covariate(stat(s, 'diagnosis-model'), 'age'))); }],
  ['stats-duplicate-statistic-name', STATS, 'statistic names unique', 'fss-statistic-names',
    s => { statPart(stat(s, 'thalach-by-diagnosis'), 'name').valueId = 'chol-by-sex'; }],
  ['stats-unknown-variable', STATS, 'statistics refer to features or the label', 'fss-variables',
    s => { statPart(stat(s, 'chol-by-sex'), 'variable').valueId = 'ldl'; }],
  ['stats-unknown-covariate', STATS, 'covariates are features', 'fss-variables',
    s => { covariatePart(covariate(stat(s, 'diagnosis-model'), 'thalach'), 'name').valueId = 'bmi'; }],
  ['stats-epsilon-without-budget', STATS, 'epsilon needs the study\'s epsilonBudget', 'fss-epsilon-budget',
    s => { stat(s, 'cp-by-diagnosis').extension.push({ url: 'epsilon', valueDecimal: 0.5 }); }],
  ['stats-epsilon-budget-zero', STATS, 'epsilonBudget > 0', 'dc-epsilon-budget',
    s => { disclosure(s).extension.push({ url: 'epsilonBudget', valueDecimal: 0 }); }],
  ['report-suppressed-cell-with-count', REPORT, 'a suppressed stratum has no count', 'fsr-stratum-suppressed',
    m => { m.group[0].stratifier[0].stratum[0].population[0].count = 3; }],
  ['report-cell-without-count', REPORT, 'a stratum without a count is marked suppressed', 'fsr-stratum-suppressed',
    m => { delete m.group[0].stratifier[0].stratum.find(st => !st.extension && st.component.length === 2).population[0].count; }],
  ['report-total-without-count', REPORT, 'a group without a count is marked suppressed', 'fsr-group-suppressed',
    m => { delete m.group[0].population[0].count; }],
  ['report-without-site-count', REPORT, 'the number of sites is recorded', "Slice 'MeasureReport.extension:siteCount' for extension 'http://fedfhir.org/fhir/StructureDefinition/site-count': a matching slice is required, but not found",
    m => withoutExt(m, base + 'site-count')],
  ['result-without-site-count', RESULT, 'the number of sites is recorded', 'fsres-site-count',
    p => { p.parameter = p.parameter.filter(x => x.name !== 'siteCount'); }],
  ['result-statistic-without-kind', RESULT, 'every statistic names its kind', 'fsres-kind',
    p => { const w = resultParam(p, 'thalach-by-diagnosis'); w.part = w.part.filter(x => x.name !== 'kind'); }],
  ['result-unmarked-absent-value', RESULT, 'a value without a number is masked', 'fsres-masked',
    p => { resultParam(p, 'cp-by-diagnosis').part.find(x => x.name === 'chiSquare')._valueDecimal.extension[0].valueCode = 'unknown'; }],
];

fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(outDir)) {
  if (f.endsWith('.json')) fs.rmSync(path.join(outDir, f));
}
const manifest = [];
for (const [name, [example, profile], rule, expected, mutate] of cases) {
  const resource = read(example);
  mutate(resource);
  resource.id = `invalid-${name}`;
  const file = `${name}.json`;
  fs.writeFileSync(path.join(outDir, file), JSON.stringify(resource, null, 2) + '\n');
  manifest.push({ file, derivedFrom: example, profile, rule, expectedMessage: expected });
}
fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`invalid-cases: wrote ${manifest.length} must-fail examples to ${outDir}`);
