/** An EHR launch simulator for the demo: pick a patient, launch the clinicians' risk app as an EHR would. */
package org.fedfhir.cli.ehr;
