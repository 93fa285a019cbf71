/** {@code ./fedfhir clean-room …}: the researcher's key for clean-room results, and opening them (docs/cleanroom.md). */
package org.fedfhir.cli.cleanroom;
