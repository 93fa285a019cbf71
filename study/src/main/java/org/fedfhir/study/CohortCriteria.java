package org.fedfhir.study;

import java.util.Set;

/**
 * Who may be in the cohort besides consent and required features.
 *
 * @param minAge inclusive minimum age in years, or null
 * @param maxAge inclusive maximum age in years, or null
 * @param sexes allowed administrative genders ({@code male}, {@code female}, …); empty: all
 */
public record CohortCriteria(Integer minAge, Integer maxAge, Set<String> sexes) {
  public static final CohortCriteria ANYONE = new CohortCriteria(null, null, Set.of());

  public CohortCriteria {
    sexes = Set.copyOf(sexes);
  }
}
