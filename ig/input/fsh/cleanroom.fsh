// Everything of clean-room studies (docs/cleanroom.md): a researcher's WebAssembly program, named by
// hash in a contained Library, run in the attested TEE over rows sealed to it by every site.

// ---------------------------------------------------------------- terminology
CodeSystem: CleanRoomGroupByCS
Id: clean-room-group-by
Title: "FedFHIR clean-room group"
Description: "Which rows a clean-room result record's group counts, for the minimum-count disclosure rule."
* insert FedFhirCodeSystem
* #none "All rows" "Every record is over all pooled rows (group -1)."
* #label "Label" "A record's group is the label's value (0 or 1); group -1 is all rows."
* #site "Site" "A record's group is a site's index in delivery order; group -1 is all rows."

ValueSet: CleanRoomGroupByVS
Id: clean-room-group-by
Title: "FedFHIR clean-room groups"
Description: "All clean-room groups."
* insert FedFhirValueSet
* include codes from system http://fedfhir.org/fhir/CodeSystem/clean-room-group-by

// ---------------------------------------------------------------- extensions
Extension: CleanRoomOutputExtension
Id: clean-room-output
Title: "Clean-room output"
Description: "One result record name the program may release (1–23 printable ASCII characters); a record of any other name makes the enclave refuse the whole result."
Context: Library
* extension contains name 1..1
* extension[name].value[x] 1..1
* extension[name].value[x] only string
* extension[name] ^short = "Record name, as the program writes it"

Extension: CleanRoomDisclosureExtension
Id: clean-room-disclosure
Title: "Clean-room disclosure rule"
Description: "The rule the enclave applies to a clean-room result before anything leaves: a record is released only if its group counts at least minCount pooled rows (records under the minimum are suppressed); one record per name and group (no row-level output)."
Context: Library
* obeys crd-min-count
* extension contains groupBy 1..1 and minCount 1..1
* extension[groupBy].value[x] 1..1
* extension[groupBy].value[x] only code
* extension[groupBy].value[x] from CleanRoomGroupByVS (required)
* extension[groupBy] ^short = "none | label | site"
* extension[minCount].value[x] 1..1
* extension[minCount].value[x] only integer
* extension[minCount] ^short = "Least rows a released record's group counts (at least 2)"

Invariant: crd-min-count
Description: "A released group counts at least 2 rows (a group of one row is a row)"
Expression: "extension('minCount').value >= 2"
Severity: #error

Extension: AttachmentSha256Extension
Id: attachment-sha256
Title: "Attachment SHA-256"
Description: "The SHA-256 of the attachment's data (base64): a clean-room program's identity, which the study digest and so every steward's approval covers. FHIR R4 keeps Attachment.hash for SHA-1."
Context: Attachment
* value[x] 1..1
* value[x] only base64Binary

Extension: CleanRoomResultKeyExtension
Id: clean-room-result-key
Title: "Clean-room result key"
Description: "The researcher's X25519 public key (32 bytes, base64) the enclave seals the released result to (HPKE, RFC 9180). On the program, so the study digest and every steward's approval cover who can read the result."
Context: Library
* value[x] 1..1
* value[x] only base64Binary

// ---------------------------------------------------------------- the program
Invariant: crp-wasm
Description: "Exactly one application/wasm attachment, with its data, its hash (SHA-1, as R4 defines it) and its SHA-256 (extension attachment-sha256)"
Expression: "content.where(contentType = 'application/wasm').count() = 1 and content.where(contentType = 'application/wasm').all(data.exists() and hash.exists() and extension('http://fedfhir.org/fhir/StructureDefinition/attachment-sha256').exists())"
Severity: #error

Invariant: crp-source
Description: "The program's source is attached as text for the stewards' review"
Expression: "content.where(contentType.startsWith('text/') and data.exists()).exists()"
Severity: #error

Profile: CleanRoomProgram
Parent: Library
Id: CleanRoomProgram
Title: "Clean-room program"
Description: "A researcher's program for the clean room: the WebAssembly module (content application/wasm, its SHA-1 in Attachment.hash as R4 defines it and its SHA-256, the program's identity which the study digest and so every steward's approval covers, in extension attachment-sha256), its source, the inputs it reads (dataRequirement, repeating the study's features in order), the outputs it may release and the disclosure rule. Contained in the FederatedCleanRoomStudy that runs it."
* obeys crp-wasm and crp-source
* status = #active
* type = http://terminology.hl7.org/CodeSystem/library-type#logic-library
* content 2..*
* content ^short = "The module (application/wasm, data + hash) and its source (text/*)"
* dataRequirement 1..*
* dataRequirement ^short = "The study's features, in order (what the program reads)"
* extension contains
    CleanRoomOutputExtension named output 1..* and
    CleanRoomDisclosureExtension named disclosure 1..1 and
    CleanRoomResultKeyExtension named resultKey 1..1

Invariant: fcr-program
Description: "The study names one program, a contained Library, as '#id'"
Expression: "library.count() = 1 and contained.where($this is Library and ('#' + id) = %resource.library.first()).exists()"
Severity: #error

Profile: FederatedCleanRoomStudy
Parent: FederatedStudy
Id: FederatedCleanRoomStudy
Title: "Federated clean-room study"
Description: "A federated study of kind clean-room: the same shape as a training study (features as action.input, the label as the single action.output) plus its program, a contained CleanRoomProgram named in library. Each site seals its rows to the attested TEE with the study digest and the program's hash as associated data; the enclave runs the program once min-sites have delivered and releases only records its disclosure rule allows. A changed module changes the hash, so the study digest, so it needs every steward's approval anew."
* obeys fcr-program
* extension[studyKind].valueCode = #clean-room (exactly)
* extension[studyKind] ^short = "clean-room"
* library 1..1
* library ^short = "#id of the contained CleanRoomProgram"
* contained 1..*

// ---------------------------------------------------------------- example
Instance: median-program
InstanceOf: CleanRoomProgram
Title: "Median and quartiles of cholesterol by diagnosis"
Usage: #inline
* status = #active
* type = http://terminology.hl7.org/CodeSystem/library-type#logic-library
* name = "CholesterolQuartilesByDiagnosis"
* content[0].contentType = #application/wasm
* content[0].title = "median.wasm"
* content[0].data = "AGFzbQEAAAABEwNgAn9/AX9gAAF/YAR/f39/AX8CZgUHZmVkZmhpcgZzY2hlbWEAAAdmZWRmaGlyCnJvd3NfY291bnQAAQdmZWRmaGlyCXJvd193aWR0aAABB2ZlZGZoaXIJcmVhZF9yb3dzAAAHZmVkZmhpcgx3cml0ZV9yZXN1bHQAAAMDAgECBQQBAQJABggBfwFBkIgECwcQAgZtZW1vcnkCAANydW4ABQqZFwLuDgMOfwJ8CH8jgICAgABBwBNrIgAkgICAgABBAiEBAkAgAEHAC2pBgAgQgICAgAAiAkGACEoNAEEAIQECQCACQQBIDQAgAkEBaiEDQQAhBEEAIQUCQANAAkACQCABIAJGDQAgAEHAC2ogAWotAABBCkYNACABQQFqIQEMAQtBACEGAkACQAJAIAEgBEoNACAEIQcMAQsCQCAAQcALaiAEai0AAEHjAEYNACAEIQcMAQsgASAEayIIQQFGDQEgAEHAC2ogBEEBaiIHai0AAEHoAEcNACAIQQJGDQEgAEHAC2ogBEECaiIHai0AAEHvAEcNACAIQQNGDQEgAEHAC2ogBEEDaiIHai0AAEHsAEcNACAIQQRGDQQgBEEEaiEHQQEhBgsgByABRw0AIAYNAwsgBUEBaiEFIAFBAWoiASEECyABIANHDQALQX8hBQtBACEBQQAhBEEAIQcCQANAAkACQCABIAJGDQAgAEHAC2ogAWotAABBCkYNACABQQFqIQEMAQtBACEIAkACQAJAIAEgBEoNACAEIQYMAQsCQCAAQcALaiAEai0AAEHsAEYNACAEIQYMAQsgASAEayIJQQFGDQEgAEHAC2ogBEEBaiIGai0AAEHhAEcNACAJQQJGDQEgAEHAC2ogBEECaiIGai0AAEHiAEcNACAJQQNGDQEgAEHAC2ogBEEDaiIGai0AAEHlAEcNACAJQQRGDQEgAEHAC2ogBEEEaiIGai0AAEHsAEcNACAJQQVGDQQgBEEFaiEGQQEhCAsgBiABRw0AIAgNAwsgB0EBaiEHIAFBAWoiASEECyABIANGDQIMAAsLQQEhASAFQQBIDQEgB0EASA0BEIGAgIAAIgpBA3QiAhCCgICAACILbCEEAkBBACgCgIiAgAAiAQ0AQZCIhIAAIQFBAEGQiISAADYCgIiAgAALAkACQAJAIAFBB2pBeHEiDCAEaiIBPwBBEHQiA00NACABIANrQf//A2pBEHZAAEF/Rg0BC0EAIAE2AoCIgIAADAELQQAhDEEAKAKAiICAACEBCwJAIAENAEGQiISAACEBQQBBkIiEgAA2AoCIgIAACwJAIAFBB2pBeHEiDSACaiIBPwBBEHQiAk0NACABIAJrQf//A2pBEHZAAEF/Rw0AQQQhAQwCC0EAIAE2AoCIgIAAQQQhASAMRQ0BIA1FDQEgDCAEEIOAgIAAGgJAAkACQCAKQQFIDQBBACEIQQAhCUEAIQMDQAJAIAwgAyALbCIBIAVqQQN0aisDACIOIA5iDQAgDCABIAdqQQN0aisDACIPIA9iDQAgDSAJQQN0aiAOOQMAIAlBAWohCQJAAkACQCAIQQFODQBBACEEDAELAkACQCAPmUQAAAAAAADgQWNFDQAgD6ohAgwBC0GAgICAeCECC0EAIQQgAEGgC2ohAQNAIAEoAgAgAkYNASABQQRqIQEgCCAEQQFqIgRHDQAMAgsLIAQgCEcNAQsCQCAIQQhHDQBBAyEBDAcLIABBoAtqIAhBAnRqIQECQAJAIA+ZRAAAAAAAAOBBY0UNACAPqiEEDAELQYCAgIB4IQQLIAEgBDYCACAIQQFqIQgLIANBAWoiAyAKRg0CDAALCyAAIA1BAEF/EIaAgIAAIRAMAQsCQCAIQQJIDQBBASEQIAhBf2oiAUEBcSERAkAgCEECRg0AIAFBfnEhEiAAQaALakEIciETQQAhFCAAQaALaiEVQQMhFkECIRdBASEQA0AgAEGgC2ogEEECdCIGaigCACEEIBUhASAXIQICQANAIAEoAgAiAyAETA0BIAEgBDYCACABQQRqIAM2AgAgAUF8aiEBIAJBf2oiAkEBSg0ACwsgBiAAQaALampBBGooAgAhAiATIQEgFiEDAkADQCABQXxqIgQoAgAiBiACTA0BIAQgAjYCACABIAY2AgAgBCEBIANBf2oiA0EBSg0ACwsgE0EIaiETIBZBAmohFiAVQQhqIRUgF0ECaiEXIBBBAmohECAUQQJqIhQgEkcNAAsLIBFFDQAgEEEBaiECIABBoAtqIBBBAnRqIgRBfGohASAEKAIAIQQDQCABKAIAIgMgBEwNASABIAQ2AgAgAUEEaiADNgIAIAFBfGohASACQX9qIgJBAUoNAAsLIAAgDSAJQX8QhoCAgAAhECAIQQFIDQAgBUEDdCECIAtBA3QhAyAHQQN0IQZBACELIApBAUghEwNAQQAhBwJAIBMNACAAQaALaiALQQJ0aiEJQQAhByAMIQEgCiEEA0ACQCABIAJqKwMAIg4gDmINACABIAZqKwMAIg8gD2INAAJAAkAgD5lEAAAAAAAA4EFjRQ0AIA+qIQUMAQtBgICAgHghBQsgCSgCACAFRw0AIA0gB0EDdGogDjkDACAHQQFqIQcLIAEgA2ohASAEQX9qIgQNAAsLIBAgDSAHIABBoAtqIAtBAnRqKAIAEIaAgIAAIRAgC0EBaiIBIQsgASAIRw0ACwsgACAQIABrEISAgIAAIQEMAQtBASEBCyAAQcATaiSAgICAACABC6YIAgZ/AnwCQCACQQJIDQAgAkEBdiEEA0ACQCAEIgVBf2oiBEEBdCIGQQFyIgcgAk4NACAEIQgDQAJAAkAgBkECaiIJIAJIDQAgByEGDAELIAchBiABIAdBA3RqKwMAIAEgCUEDdGorAwBjRQ0AIAkhBgsgASAIQQN0aiIHKwMAIgogASAGQQN0aiIIKwMAIgtmDQEgByALOQMAIAggCjkDACAGIQggBkEBdCIGQQFyIgcgAkgNAAsLIAVBAUoNAAsgASsDACEKIAEgASACQX9qIgZBA3RqIgcrAwA5AwAgByAKOQMAIAJBfmoiCEUNAANAIAYhBUEAIQZBASEHQQAhCQNAAkACQCAGQQJqIgQgCEwNACAHIQYMAQsgByEGIAEgB0EDdGorAwAgASAEQQN0aisDAGNFDQAgBCEGCwJAIAEgCUEDdGoiBysDACIKIAEgBkEDdGoiCSsDACILZg0AIAcgCzkDACAJIAo5AwAgBiEJIAZBAXQiBkEBciIHIAhMDQELCyABKwMAIQogASABIAVBf2oiBkEDdGoiBysDADkDACAHIAo5AwAgBUF+aiIIDQALCyAAQQA2AhwgACADNgIYIABCADcAECAAQgA3AAggAELuADcAACAAIAK3OQMgAkAgAkEBTg0AIABBKGoPCwJAAkAgAkF/aiIHtyIKRAAAAAAAANA/oiILmUQAAAAAAADgQWNFDQAgC6ohBgwBC0GAgICAeCEGCwJAAkAgBkEBaiIIIAJIDQAgASAHQQN0aisDACELDAELIAsgBrehIAEgCEEDdGorAwAgASAGQQN0aisDACILoaIgC6AhCwsgAELx4gA3ACggAEHIAGogCzkDACAAQcQAakEANgIAIABBwABqIAM2AgAgAEE4akIANwAAIABBMGpCADcAAAJAAkAgCkQAAAAAAADgP6IiC5lEAAAAAAAA4EFjRQ0AIAuqIQYMAQtBgICAgHghBgsCQAJAIAZBAWoiCCACSA0AIAEgB0EDdGorAwAhCwwBCyALIAa3oSABIAhBA3RqKwMAIAEgBkEDdGorAwAiC6GiIAugIQsLIABC7cqRy5bMGzcAUCAAQfAAaiALOQMAIABB7ABqQQA2AgAgAEHoAGogAzYCACAAQeAAakIANwAAIABB2ABqQgA3AAACQAJAIApEAAAAAAAA6D+iIgqZRAAAAAAAAOBBY0UNACAKqiEGDAELQYCAgIB4IQYLAkACQCAGQQFqIgggAkgNACABIAdBA3RqKwMAIQoMAQsgCiAGt6EgASAIQQN0aisDACABIAZBA3RqKwMAIgqhoiAKoCEKCyAAQvHmADcAeCAAQZgBaiAKOQMAIABBlAFqQQA2AgAgAEGQAWogAzYCACAAQYgBakIANwAAIABBgAFqQgA3AAAgAEGgAWoL"
* content[0].hash = "ztkNccgsuomnWypjaQIfe56hJd0="
* content[0].extension[http://fedfhir.org/fhir/StructureDefinition/attachment-sha256].valueBase64Binary = "ZGkaDENvyGD59fUZ0bUgiQsndRl/Lt8vwQoGzCOuXpY="
* content[1].contentType = #text/x-c
* content[1].title = "median.c (tee-service/src/main/cleanroom, built by build.sh with clang 14)"
* content[1].data = "LyoKICogQ2xlYW4tcm9vbSBleGFtcGxlOiB0aGUgbWVkaWFuIGFuZCBxdWFydGlsZXMgb2Ygb25lIG51bWVyaWMgZmVhdHVyZSBvdmVyIHRoZSBwb29sZWQgcm93cyBvZgogKiBldmVyeSBzaXRlLCBvdmVyYWxsIGFuZCBieSBncm91cCAtLSBvcmRlciBzdGF0aXN0aWNzIHRoYXQgc2VjdXJlIHN1bXMgY2Fubm90IGdpdmUgY2hlYXBseS4KICoKICogSW5wdXRzIChieSBjb2x1bW4gbmFtZSk6IEZFQVRVUkUgKGRlZmF1bHQgImNob2wiLCB0aGUgbmV0d29yayBzdHVkeSdzIGNob2xlc3Rlcm9sKSBhbmQgR1JPVVAgKGRlZmF1bHQgImxhYmVsIiwgYW4KICogaW50ZWdlciBjb2RlKS4gQSByb3cgd2hvc2UgZmVhdHVyZSBvciBncm91cCBpcyBtaXNzaW5nIChOYU4pIGlzIGxlZnQgb3V0LgogKiBPdXRwdXRzIHBlciBncm91cCBhbmQgZm9yIGFsbCByb3dzIChncm91cCAtMSk6IG4sIHExLCBtZWRpYW4sIHEzIC0tIHF1YW50aWxlcyBieSBsaW5lYXIKICogaW50ZXJwb2xhdGlvbiBiZXR3ZWVuIG9yZGVyIHN0YXRpc3RpY3MgKFIncyB0eXBlIDcsIG51bXB5J3MgZGVmYXVsdCk6IGZvciBwIGluIFswLCAxXSwKICogaCA9IChuIC0gMSkgcCwgcSA9IHhbZmxvb3IgaF0gKyAoaCAtIGZsb29yIGgpICh4W2Zsb29yIGggKyAxXSAtIHhbZmxvb3IgaF0pLgogKiBBdCBtb3N0IE1BWF9HUk9VUFMgZGlzdGluY3QgZ3JvdXBzOyBtb3JlIGlzIGVycm9yIDMuCiAqLwojaW5jbHVkZSAiZmVkZmhpci5oIgoKI2lmbmRlZiBGRUFUVVJFCiNkZWZpbmUgRkVBVFVSRSAiY2hvbCIKI2VuZGlmCiNpZm5kZWYgR1JPVVAKI2RlZmluZSBHUk9VUCAibGFiZWwiCiNlbmRpZgojZGVmaW5lIE1BWF9HUk9VUFMgOAoKc3RhdGljIGRvdWJsZSBxdWFudGlsZShjb25zdCBkb3VibGUgKnNvcnRlZCwgaW50IG4sIGRvdWJsZSBwKSB7CiAgZG91YmxlIGggPSAobiAtIDEpICogcDsKICBpbnQgbG8gPSAoaW50KSBoOwogIGlmIChsbyArIDEgPj0gbikgewogICAgcmV0dXJuIHNvcnRlZFtuIC0gMV07CiAgfQogIHJldHVybiBzb3J0ZWRbbG9dICsgKGggLSBsbykgKiAoc29ydGVkW2xvICsgMV0gLSBzb3J0ZWRbbG9dKTsKfQoKc3RhdGljIGZlZGZoaXJfcmVjb3JkICpzdW1tYXJpc2UoZmVkZmhpcl9yZWNvcmQgKm91dCwgZG91YmxlICp2YWx1ZXMsIGludCBuLCBpbnQgZ3JvdXApIHsKICBmZWRmaGlyX3NvcnQodmFsdWVzLCBuLCAxKTsKICBvdXQgPSBmZWRmaGlyX3B1dChvdXQsICJuIiwgZ3JvdXAsIG4pOwogIGlmIChuID4gMCkgewogICAgb3V0ID0gZmVkZmhpcl9wdXQob3V0LCAicTEiLCBncm91cCwgcXVhbnRpbGUodmFsdWVzLCBuLCAwLjI1KSk7CiAgICBvdXQgPSBmZWRmaGlyX3B1dChvdXQsICJtZWRpYW4iLCBncm91cCwgcXVhbnRpbGUodmFsdWVzLCBuLCAwLjUpKTsKICAgIG91dCA9IGZlZGZoaXJfcHV0KG91dCwgInEzIiwgZ3JvdXAsIHF1YW50aWxlKHZhbHVlcywgbiwgMC43NSkpOwogIH0KICByZXR1cm4gb3V0Owp9CgppbnQgcnVuKHZvaWQpIHsKICBjaGFyIHNjaGVtYVsxMDI0XTsKICBpbnQgbGVuZ3RoID0gZmVkZmhpcl9zY2hlbWEoc2NoZW1hLCBzaXplb2Ygc2NoZW1hKTsKICBpZiAobGVuZ3RoID4gKGludCkgc2l6ZW9mIHNjaGVtYSkgewogICAgcmV0dXJuIDI7CiAgfQogIGludCBmZWF0dXJlID0gZmVkZmhpcl9jb2x1bW4oc2NoZW1hLCBsZW5ndGgsIEZFQVRVUkUpOwogIGludCBncm91cCA9IGZlZGZoaXJfY29sdW1uKHNjaGVtYSwgbGVuZ3RoLCBHUk9VUCk7CiAgaWYgKGZlYXR1cmUgPCAwIHx8IGdyb3VwIDwgMCkgewogICAgcmV0dXJuIDE7CiAgfQogIGludCBuID0gZmVkZmhpcl9yb3dzX2NvdW50KCk7CiAgaW50IHdpZHRoID0gZmVkZmhpcl9yb3dfd2lkdGgoKTsKICBkb3VibGUgKnJvd3MgPSBmZWRmaGlyX2FsbG9jKCh1bnNpZ25lZCBsb25nKSBuICogd2lkdGggKiA4KTsKICBkb3VibGUgKnZhbHVlcyA9IGZlZGZoaXJfYWxsb2MoKHVuc2lnbmVkIGxvbmcpIG4gKiA4KTsKICBpZiAocm93cyA9PSAwIHx8IHZhbHVlcyA9PSAwKSB7CiAgICByZXR1cm4gNDsKICB9CiAgZmVkZmhpcl9yZWFkX3Jvd3Mocm93cywgbiAqIHdpZHRoICogOCk7CgogIGludCBncm91cHNbTUFYX0dST1VQU107CiAgaW50IGdyb3VwX2NvdW50ID0gMDsKICBpbnQgYWxsID0gMDsKICBmb3IgKGludCBpID0gMDsgaSA8IG47IGkrKykgewogICAgZG91YmxlIHYgPSByb3dzW2kgKiB3aWR0aCArIGZlYXR1cmVdOwogICAgZG91YmxlIGcgPSByb3dzW2kgKiB3aWR0aCArIGdyb3VwXTsKICAgIGlmICh2ICE9IHYgfHwgZyAhPSBnKSB7CiAgICAgIGNvbnRpbnVlOwogICAgfQogICAgdmFsdWVzW2FsbCsrXSA9IHY7CiAgICBpbnQgayA9IDA7CiAgICB3aGlsZSAoayA8IGdyb3VwX2NvdW50ICYmIGdyb3Vwc1trXSAhPSAoaW50KSBnKSB7CiAgICAgIGsrKzsKICAgIH0KICAgIGlmIChrID09IGdyb3VwX2NvdW50KSB7CiAgICAgIGlmIChncm91cF9jb3VudCA9PSBNQVhfR1JPVVBTKSB7CiAgICAgICAgcmV0dXJuIDM7CiAgICAgIH0KICAgICAgZ3JvdXBzW2dyb3VwX2NvdW50KytdID0gKGludCkgZzsKICAgIH0KICB9CiAgLyogZ3JvdXBzIGluIGFzY2VuZGluZyBvcmRlciwgc28gdGhlIG91dHB1dCBkb2VzIG5vdCBkZXBlbmQgb24gdGhlIG9yZGVyIHNpdGVzIGRlbGl2ZXJlZCBpbiAqLwogIGZvciAoaW50IGkgPSAxOyBpIDwgZ3JvdXBfY291bnQ7IGkrKykgewogICAgZm9yIChpbnQgaiA9IGk7IGogPiAwICYmIGdyb3Vwc1tqIC0gMV0gPiBncm91cHNbal07IGotLSkgewogICAgICBpbnQgdCA9IGdyb3Vwc1tqXTsKICAgICAgZ3JvdXBzW2pdID0gZ3JvdXBzW2ogLSAxXTsKICAgICAgZ3JvdXBzW2ogLSAxXSA9IHQ7CiAgICB9CiAgfQoKICBmZWRmaGlyX3JlY29yZCBvdXRbNCAqIChNQVhfR1JPVVBTICsgMSldOwogIGZlZGZoaXJfcmVjb3JkICplbmQgPSBzdW1tYXJpc2Uob3V0LCB2YWx1ZXMsIGFsbCwgRkVERkhJUl9BTExfUk9XUyk7CiAgZm9yIChpbnQgayA9IDA7IGsgPCBncm91cF9jb3VudDsgaysrKSB7CiAgICBpbnQgbSA9IDA7CiAgICBmb3IgKGludCBpID0gMDsgaSA8IG47IGkrKykgewogICAgICBkb3VibGUgdiA9IHJvd3NbaSAqIHdpZHRoICsgZmVhdHVyZV07CiAgICAgIGRvdWJsZSBnID0gcm93c1tpICogd2lkdGggKyBncm91cF07CiAgICAgIGlmICh2ID09IHYgJiYgZyA9PSBnICYmIChpbnQpIGcgPT0gZ3JvdXBzW2tdKSB7CiAgICAgICAgdmFsdWVzW20rK10gPSB2OwogICAgICB9CiAgICB9CiAgICBlbmQgPSBzdW1tYXJpc2UoZW5kLCB2YWx1ZXMsIG0sIGdyb3Vwc1trXSk7CiAgfQogIHJldHVybiBmZWRmaGlyX3dyaXRlX3Jlc3VsdChvdXQsIChpbnQpICgoY2hhciAqKSBlbmQgLSAoY2hhciAqKSBvdXQpKTsKfQo="
* dataRequirement[0].type = #Observation
* dataRequirement[0].codeFilter[0].path = "code"
* dataRequirement[0].codeFilter[0].code[0] = $loinc#2093-3 "Cholesterol [Mass/volume] in Serum or Plasma"
* dataRequirement[0].extension[$ext-feature].extension[name].valueId = "chol"
* dataRequirement[0].extension[$ext-feature].extension[unit].valueCoding = $ucum#mg/dL
* extension[output][+].extension[name].valueString = "n"
* extension[output][+].extension[name].valueString = "q1"
* extension[output][+].extension[name].valueString = "median"
* extension[output][+].extension[name].valueString = "q3"
* extension[disclosure].extension[groupBy].valueCode = #label
* extension[disclosure].extension[minCount].valueInteger = 10
// the guide's example researcher (a study publishes its own researcher's key)
* extension[resultKey].valueBase64Binary = "T7wUy8LmaqVP5LemrFDBnBIzRjoj43dV/94V7EuRRxQ="

Instance: clean-room-median
InstanceOf: FederatedCleanRoomStudy
Title: "Heart disease: median and quartiles of cholesterol by diagnosis (clean room)"
Description: "The median and interquartile range of serum cholesterol, overall and by presence of coronary artery disease, over the pooled rows of the four UCI centres, computed in the TEE by median.wasm; groups under 10 patients are suppressed."
Usage: #example
* url = "http://fedfhir.org/fhir/PlanDefinition/clean-room-median"
* version = "1.0.0"
* name = "CholesterolQuartilesCleanRoom"
* title = "Heart disease: median and quartiles of cholesterol by diagnosis (clean room)"
* type = $plan-definition-type#workflow-definition
* status = #active
* extension[studyKind].valueCode = #clean-room
* extension[missingValuePolicy].valueCode = #drop
* insert IntegerParameter(min-sites, 3)
* extension[cohort].extension[minAge].valueInteger = 18
* contained[0] = median-program
* library = "#median-program"
* action[0].title = "Cholesterol quartiles by diagnosis"
* insert ObservationFeature(chol, $loinc#2093-3 "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL")
* action[0].output[0].type = #Condition
* action[0].output[0].codeFilter[0].path = "code"
* action[0].output[0].codeFilter[0].code[0] = $sct#53741008 "Coronary arteriosclerosis"

// ---------------------------------------------------------------- the TEE model service's clean-room operations
Instance: clean-room-submit
InstanceOf: OperationDefinition
Usage: #definition
Title: "$clean-room-submit"
Description: "A site's rows for a clean-room study, sealed to the enclave: POST [tee]/$clean-room-submit."
* insert FedFhirOperation(clean-room-submit, CleanRoomSubmit, $clean-room-submit)
* description = "Opens a site's rows inside the enclave only if they were sealed (HPKE, to the attested enclave key) for this study's digest, which the enclave computes from the PlanDefinition given, this program's SHA-256 and the calling site; runs the program once the study's min-sites have delivered. Requires a site's certificate (mutual TLS; OU site); the site is the certificate's name. Errors: 422 sealed-data-not-authenticated (rows sealed for another study, program or site), not-a-clean-room-study, invalid-rows; 409 already-delivered; 507 clean-room-full."
* affectsState = true
* system = true
* type = false
* instance = false
* insert Param(study, in, 1, 1, PlanDefinition, [[The clean-room study exactly as the site's data steward approved it.]])
* insert Param(sealedRows, in, 1, 1, base64Binary, [[The site's rows (the study's features, then label), sealed to the enclave key.]])
* insert Param(studyDigest, out, 1, 1, string, [[The study digest the enclave computed.]])
* insert Param(delivered, out, 1, 1, integer, [[Sites that have delivered rows for the study.]])
* insert Param(needed, out, 1, 1, integer, [[Sites the run needs (min-sites).]])
* insert Param(ran, out, 1, 1, boolean, [[Whether the program has run.]])

Instance: clean-room-result
InstanceOf: OperationDefinition
Usage: #definition
Title: "$clean-room-result"
Description: "A clean-room study's receipt and its result sealed to the researcher: POST [tee]/$clean-room-result."
* insert FedFhirOperation(clean-room-result, CleanRoomResult, $clean-room-result)
* description = "The receipt of a clean-room run (program SHA-256, sites pooled, SHA-256 of the released records, counts released and suppressed) and the released records sealed (HPKE) to the researcher's key the study declares, bound to the study digest, program and output digest: opened, a Parameters with one record part per released record. Requires the aggregator's certificate or that of a site that delivered rows for the study (mutual TLS). Errors: 412 result-not-ready; 422 with the run's failure (fuel-exhausted, wall-time-exceeded, disclosure-refused, result-too-large, program-failed, program-refused)."
* affectsState = false
* system = true
* type = false
* instance = false
* insert Param(studyDigest, in, 1, 1, string, [[The study digest (64 lowercase hex digits).]])
* insert Param(study, out, 1, 1, canonical, [[The study's canonical URL.]])
* parameter[=].targetProfile = Canonical(FederatedCleanRoomStudy)
* insert Param(studyDigest, out, 1, 1, string, [[The study digest.]])
* insert Param(programSha256, out, 1, 1, string, [[The SHA-256 of the program that ran.]])
* insert Param(site, out, 1, *, string, [[The sites whose rows were pooled, in pooling order (by name).]])
* insert Param(outputSha256, out, 1, 1, string, [[The SHA-256 of the released records (ABI encoding).]])
* insert Param(released, out, 1, 1, integer, [[Records released.]])
* insert Param(suppressed, out, 1, 1, integer, [[Records withheld by the disclosure rule.]])
* insert Param(sealedResult, out, 1, 1, base64Binary, [[The released records as a Parameters, sealed to the researcher's key.]])

Instance: clean-room-result-aggregator
InstanceOf: OperationDefinition
Usage: #definition
Title: "$clean-room-result (aggregator)"
Description: "A researcher's clean-room result, relayed by the aggregator: POST [aggregator]/PlanDefinition/{id}/$clean-room-result."
* insert FedFhirOperation(clean-room-result, CleanRoomResultAggregator, $clean-room-result)
* url = "http://fedfhir.org/fhir/OperationDefinition/clean-room-result-aggregator"
* description = "The aggregator computes the published study's digest and returns the TEE model service's $clean-room-result answer unchanged: the receipt and the released records sealed to the researcher's key the study declares (the aggregator cannot open them). Requires the researcher who published the study (token or client certificate). Errors: 404 unknown study; 422 not a clean-room study or the run failed; 412 result-not-ready."
* affectsState = false
* system = false
* type = false
* instance = true
* resource[0] = #PlanDefinition
* insert Param(return, out, 1, 1, Parameters, [[The TEE's receipt and sealedResult (see $clean-room-result at the TEE).]])
