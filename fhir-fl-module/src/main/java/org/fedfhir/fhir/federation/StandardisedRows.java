package org.fedfhir.fhir.federation;

import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.Standardisation;

/**
 * A site's rows standardised with the network-wide means and SDs of the STANDARDISE round:
 * {@code z = (x − mean)/sd}, {@code sd = 1} where it is 0, and a missing value (kept only under
 * {@code impute-mean}) becomes the global mean, i.e. {@code z = 0}.
 */
final class StandardisedRows {
  final double[][] z;
  final int[] y;

  private StandardisedRows(double[][] z, int[] y) {
    this.z = z;
    this.y = y;
  }

  static Standardisation global(Standardisation s, int features) {
    if (s.means().length != features || s.sds().length != features) {
      throw new IllegalArgumentException("the round's standardisation has " + s.means().length + " means and "
          + s.sds().length + " SDs; the study has " + features + " features (no STANDARDISE round yet?)");
    }
    return new Standardisation(s.means(), s.sds());
  }

  static StandardisedRows of(SiteRows rows, int[] which, Standardisation s) {
    double[][] z = new double[which.length][];
    int[] y = new int[which.length];
    for (int k = 0; k < which.length; k++) {
      z[k] = s.apply(rows.row(which[k]));
      y[k] = rows.label(which[k]);
    }
    return new StandardisedRows(z, y);
  }

  int size() {
    return y.length;
  }
}
