package org.fedfhir.fhir.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which rows train and which test. {@link #stratified} is the default: a seeded, stratified split
 * where each class is shuffled with the seed and {@code round(testFraction × classSize)} of its rows
 * go to the test set (same seed and data, same split). {@link #given} takes a published split
 * (e.g. FLamby's per-centre split of the UCI data) to compare with published figures.
 */
public record TrainTestSplit(int[] train, int[] test) {

  /** A given assignment; rows in neither array are left out. */
  public static TrainTestSplit given(int[] train, int[] test) {
    return new TrainTestSplit(train.clone(), test.clone());
  }

  public static TrainTestSplit stratified(int[] labels, double testFraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int cls = 0; cls <= 1; cls++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == cls) {
          members.add(i);
        }
      }
      for (int i = members.size() - 1; i > 0; i--) { // Fisher–Yates
        int j = rng.nextInt(i + 1);
        Integer t = members.get(i);
        members.set(i, members.get(j));
        members.set(j, t);
      }
      int nTest = (int) Math.round(testFraction * members.size());
      test.addAll(members.subList(0, nTest));
      train.addAll(members.subList(nTest, members.size()));
    }
    int[] tr = train.stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] te = test.stream().mapToInt(Integer::intValue).sorted().toArray();
    return new TrainTestSplit(tr, te);
  }

  @Override
  public String toString() {
    return "TrainTestSplit[train=" + train.length + ", test=" + test.length + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainTestSplit s && Arrays.equals(train, s.train) && Arrays.equals(test, s.test);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(train) + Arrays.hashCode(test);
  }
}
