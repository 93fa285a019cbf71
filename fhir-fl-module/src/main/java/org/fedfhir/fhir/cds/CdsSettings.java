package org.fedfhir.fhir.cds;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The site's CDS Hooks settings: {@code fedfhir.cds.ehrs[i].issuer} and {@code .jwks-url} (each EHR
 * whose signed calls are accepted, and where its keys are), {@code fedfhir.cds.study} (the study whose
 * risk the card shows, {@code url} or {@code url|version}), {@code fedfhir.cds.bands} (two risks
 * splitting info / warning / critical, default {@code 0.2,0.5}) and {@code fedfhir.cds.base-url} (the
 * hospital's origin as the EHR reaches it; default the loopback URL it serves at).
 *
 * @param baseUrl the origin, resolved when first needed (the port may be chosen at start)
 */
public record CdsSettings(List<Ehr> ehrs, String study, double warningFrom, double criticalFrom,
    Supplier<String> baseUrl) {

  /** An EHR the site trusts: its JWT {@code iss} and its JWKS. */
  public record Ehr(String issuer, URI jwksUrl) {
    public Ehr {
      if (issuer == null || issuer.isBlank() || jwksUrl == null) {
        throw new IllegalArgumentException("a CDS Hooks EHR needs its issuer and its jwks-url");
      }
    }
  }

  public CdsSettings {
    ehrs = List.copyOf(ehrs);
    if (!(0 < warningFrom && warningFrom < criticalFrom && criticalFrom < 1)) {
      throw new IllegalArgumentException("fedfhir.cds.bands " + warningFrom + "," + criticalFrom
          + " must be two risks with 0 < warning < critical < 1");
    }
  }

  /** Parses {@code fedfhir.cds.bands} ("0.2,0.5"). */
  public static double[] bands(String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException("fedfhir.cds.bands '" + text + "' must be two risks, e.g. 0.2,0.5");
    }
    return new double[] {Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())};
  }

  /** The URL of a service, as its JWTs' {@code aud} must name it. */
  public String serviceUrl(String id) {
    return baseUrl.get() + CdsHooksServlet.PATH + "/" + id;
  }

  /** The risk app's launch page (the card's SMART link). */
  public String appLaunchUrl() {
    return baseUrl.get() + "/apps/risk/launch.html";
  }
}
