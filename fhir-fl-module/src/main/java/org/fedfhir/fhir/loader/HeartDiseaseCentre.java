package org.fedfhir.fhir.loader;

import java.util.Locale;

/** The four UCI Heart Disease centres. */
public enum HeartDiseaseCentre {
  CLEVELAND("processed.cleveland.data"),
  HUNGARIAN("processed.hungarian.data"),
  SWITZERLAND("processed.switzerland.data"),
  VA("processed.va.data");

  private final String file;

  HeartDiseaseCentre(String file) {
    this.file = file;
  }

  /** The classpath resource holding the centre's rows. */
  public String resource() {
    return "/heart-disease/" + file;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static HeartDiseaseCentre fromCode(String code) {
    for (HeartDiseaseCentre c : values()) {
      if (c.code().equalsIgnoreCase(code)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown centre '" + code + "'; use cleveland | hungarian | switzerland | va");
  }
}
