// FedFHIR risk app: for the patient in context, the risk from a federated study's model computed in the
// hospital's attested TEE ($infer), what it was based on, and where the model comes from. OAuth (PKCE, EHR
// or standalone launch) and every FHIR request go through the fhirclient library.
"use strict";

const STUDY_KIND = "http://fedfhir.org/fhir/StructureDefinition/study-kind";
const RISK_BANDS = "http://fedfhir.org/fhir/StructureDefinition/risk-bands";
// Where the study declares no bands (extension risk-bands): the hospital's default (fedfhir.cds.bands 0.2,0.5).
const HOSPITAL_BANDS = { low: 0.2, high: 0.5, source: "this hospital's default" };

const $ = (id) => document.getElementById(id);

function fail(message) {
  const e = $("error");
  e.textContent = message;
  e.hidden = false;
}

function text(codeable) {
  if (!codeable) return "";
  const c = (codeable.coding || [])[0] || {};
  return codeable.text || c.display || (c.system ? c.system + "|" : "") + (c.code || "");
}

function canonical(pd) {
  return pd.url + (pd.version ? "|" + pd.version : "");
}

/** Whether the granted scopes let the app create a RiskAssessment (SMART v2 .c or v1 .write/.*). */
function maySave(scope) {
  return (scope || "").split(/\s+/).some((s) => {
    const m = /^(patient|user)\/(RiskAssessment|\*)\.(.+)$/.exec(s);
    return m && (m[3] === "write" || m[3] === "*" || /^c?r?u?d?s?$/.test(m[3]) && m[3].includes("c"));
  });
}

/** The bands the study declares (low below, high from), or null. */
function studyBands(pd) {
  const x = (pd.extension || []).find((e) => e.url === RISK_BANDS);
  if (!x) return null;
  const part = (name) => Number(((x.extension || []).find((e) => e.url === name) || {}).valueDecimal);
  const low = part("low");
  const high = part("high");
  return 0 < low && low < high && high < 1 ? { low, high, source: "the study's" } : null;
}

function band(p, bands) {
  return p < bands.low ? "low" : p < bands.high ? "moderate" : "high";
}

function percent(p) {
  return (100 * p).toFixed(1).replace(/\.0$/, "") + " %";
}

async function showPatient(client) {
  const p = await client.patient.read();
  const name = (p.name || [])[0] || {};
  const who = [(name.given || []).join(" "), name.family].filter(Boolean).join(" ") || "Patient/" + p.id;
  $("patient").dataset.patientId = p.id;
  $("patient").textContent = who + " · " + (p.gender || "gender unknown") + " · born " + (p.birthDate || "?")
    + " · Patient/" + p.id;
}

async function listStudies(client) {
  const bundle = await client.request("PlanDefinition?status=active&_count=100");
  const studies = (bundle.entry || []).map((e) => e.resource).filter((pd) => (pd.extension || [])
    .some((x) => x.url === STUDY_KIND && x.valueCode === "training"));
  const select = $("study");
  select.innerHTML = "";
  for (const pd of studies) {
    const o = document.createElement("option");
    o.value = canonical(pd);
    o.textContent = (pd.title || pd.name || pd.id) + " (version " + (pd.version || "-") + ")";
    o.dataset.id = pd.id;
    o.dataset.bands = JSON.stringify(studyBands(pd) || HOSPITAL_BANDS);
    select.appendChild(o);
  }
  if (!studies.length) {
    fail("No active training study at this hospital: the risk needs one whose model the network has trained.");
    return;
  }
  select.disabled = false;
  $("compute").disabled = false;
}

async function infer(client, persist) {
  return client.request({
    url: "Patient/" + client.patient.id + "/$infer",
    method: "POST",
    headers: { "Content-Type": "application/fhir+json" },
    body: JSON.stringify({ resourceType: "Parameters", parameter: [
      { name: "study", valueCanonical: $("study").value },
      { name: "persist", valueBoolean: persist }] })
  });
}

async function showBasis(client, ra) {
  const rows = $("basis").tBodies[0];
  rows.innerHTML = "";
  for (const ref of (ra.basis || []).map((b) => b.reference).filter((r) => r && !r.startsWith("Patient/"))) {
    const tr = rows.insertRow();
    try {
      const r = await client.request(ref);
      const q = r.valueQuantity;
      const value = r.resourceType === "Condition" ? "present"
        : q ? q.value + " " + (q.unit || q.code || "") : r.valueCodeableConcept ? text(r.valueCodeableConcept) : "";
      tr.insertCell().textContent = text(r.code);
      tr.insertCell().textContent = value;
      tr.insertCell().textContent = (r.effectiveDateTime || r.onsetDateTime || r.recordedDate || "").slice(0, 10);
    } catch (e) {
      tr.insertCell().textContent = ref;
      tr.insertCell().textContent = "not readable: " + e.message;
      tr.insertCell();
    }
  }
  $("notes").textContent = (ra.note || []).map((n) => n.text).join(" ");
}

function showRisk(ra) {
  const prediction = (ra.prediction || [])[0] || {};
  const p = Number(prediction.probabilityDecimal);
  $("risk").textContent = (100 * p).toFixed(1) + " %";
  $("risk").dataset.probability = String(p);
  const study = $("study").selectedOptions[0];
  const bands = study ? JSON.parse(study.dataset.bands) : HOSPITAL_BANDS;
  $("band").textContent = band(p, bands) + " risk";
  $("bands").textContent = "Bands: low below " + percent(bands.low) + ", high from " + percent(bands.high)
    + " (" + bands.source + ")";
  $("band-low").style.flex = "0 0 " + 100 * bands.low + "%";
  $("band-mid").style.flex = "0 0 " + 100 * (bands.high - bands.low) + "%";
  $("band-high").style.flex = "1 1 auto";
  $("needle").style.left = "calc(" + (100 * p).toFixed(1) + "% - .12rem)";
  $("rationale").textContent = prediction.rationale || "";
  $("result").hidden = false;
}

async function showProvenance(client, ra) {
  const dl = $("provenance");
  dl.innerHTML = "";
  const add = (term, value) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.append(dt, dd);
  };
  const study = $("study").selectedOptions[0];
  add("Study", study ? study.textContent + " — " + study.value : "");
  // an unsaved risk carries its Provenance contained; a saved one has it stored beside it
  let pv = (ra.contained || []).find((r) => r.resourceType === "Provenance");
  if (!pv && ra.id) {
    const bundle = await client.request("Provenance?target=RiskAssessment/" + ra.id);
    pv = ((bundle.entry || [])[0] || {}).resource;
  }
  if (!pv) return;
  const ext = (suffix) => (pv.extension || []).find((x) => x.url.endsWith(suffix)) || {};
  add("Sites", String(ext("site-count").valuePositiveInt ?? ""));
  add("Round", String(ext("model-round").valueUnsignedInt ?? ""));
  const performance = (ext("model-performance").extension || []);
  const measure = (name) => (performance.find((x) => x.url === name) || {}).valueDecimal;
  const accuracy = measure("networkAccuracy");
  const auc = measure("siteAuc");
  add("Network accuracy", accuracy === undefined ? "not known at this site (no completed training Task)"
    : percent(accuracy) + " on all sites' test patients, final round");
  add("AUC at this site", auc === undefined ? "not known at this site" : Number(auc).toFixed(3)
    + " on this hospital's test patients");
  for (const a of pv.agent || []) {
    if (a.who && a.who.identifier) add("TEE", a.who.display + " — measurement " + a.who.identifier.value);
  }
  for (const e of pv.entity || []) {
    if (e.what && e.what.identifier) add("Model", e.what.display);
  }
}

FHIR.oauth2.ready().then(async (client) => {
  try {
    await showPatient(client);
    await listStudies(client);
  } catch (e) {
    fail(e.message);
    return;
  }
  $("save").disabled = true;
  $("compute").addEventListener("click", async () => {
    $("error").hidden = true;
    $("saved").textContent = "";
    $("compute").disabled = true;
    try {
      const ra = await infer(client, false);
      showRisk(ra);
      await showBasis(client, ra);
      await showProvenance(client, ra);
      $("save").disabled = !maySave(client.state.tokenResponse.scope);
      $("save").title = $("save").disabled ? "this sign-in was not granted patient/RiskAssessment.c" : "";
    } catch (e) {
      $("result").hidden = true;
      fail(e.message);
    } finally {
      $("compute").disabled = false;
    }
  });
  $("save").addEventListener("click", async () => {
    $("save").disabled = true;
    try {
      const ra = await infer(client, true);
      $("saved").textContent = "saved as RiskAssessment/" + ra.id;
      await showProvenance(client, ra);
    } catch (e) {
      fail(e.message);
      $("save").disabled = false;
    }
  });
}).catch((e) => fail("Sign-in failed: " + e.message));
