package org.fedfhir.securecompute.statistics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Primary and complementary cell suppression for released counts.
 *
 * <p><b>Tables with margins.</b> A table of r × c counts is released with its row totals, column
 * totals and grand total. Write it as the extended (r+1) × (c+1) table whose last column holds
 * the row totals, last row the column totals and corner the grand total; negating the totals,
 * every row and every column of the extended table sums to zero. The suppressed entries are then
 * the edges of a bipartite graph between the r+1 row lines and the c+1 column lines, and the
 * released values determine a suppressed entry exactly when its edge is a <em>bridge</em> (lies
 * on no cycle): along a cycle, adding +δ and −δ alternately keeps every line's sum, so every
 * entry on a cycle can take more than one value. The algorithm:
 * <ol>
 *   <li><em>primary</em>: suppress every sensitive entry (interior cell or total), per
 *       {@link DisclosurePolicy#isSensitive};</li>
 *   <li><em>complementary</em>: while some suppressed entry is a bridge, suppress one more entry
 *       that closes a cycle through it (or, when none can at once, one on the bridge's line),
 *       choosing the smallest non-zero count, interior cells before totals, so the least is
 *       hidden and the partner itself has room to move.</li>
 * </ol>
 * This is protection against exact recovery by linear combinations of released values (the
 * classic criterion of Cox, "Suppression methodology and statistical disclosure control", JASA
 * 1980). With the non-negativity of counts an intruder may still narrow an interval; the
 * preference for non-zero partners keeps each suppressed count movable in both directions along
 * its cycle unless its partners are all empty.
 *
 * <p><b>Lines.</b> Counts released with only their total (a one-way table, a histogram) form one
 * line: a suppressed count is recoverable exactly when it is the only suppressed one, so a
 * second, smallest non-zero count is suppressed with it.
 */
public final class Suppression {

  private Suppression() {
  }

  /**
   * Suppression pattern of a table released with its margins.
   *
   * @param counts r × c counts, r, c ≥ 1, all rows of the same length
   * @param policy what is sensitive
   * @return the extended pattern, (r+1) × (c+1): {@code [i][c]} row totals, {@code [r][j]}
   *     column totals, {@code [r][c]} the grand total; {@code true} = suppressed
   */
  public static boolean[][] table(long[][] counts, DisclosurePolicy policy) {
    Objects.requireNonNull(policy, "policy");
    long[][] e = extended(counts);
    int rows = e.length;
    int cols = e[0].length;
    boolean[][] suppressed = new boolean[rows][cols];
    if (policy.isSensitive(e[rows - 1][cols - 1])) {
      for (boolean[] row : suppressed) {
        java.util.Arrays.fill(row, true);
      }
      return suppressed;
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        suppressed[i][j] = policy.isSensitive(e[i][j]);
      }
    }
    while (true) {
      int[] bridge = findBridge(suppressed);
      if (bridge == null) {
        return suppressed;
      }
      int[] partner = partnerFor(bridge, suppressed, e);
      suppressed[partner[0]][partner[1]] = true;
    }
  }

  /**
   * Suppression pattern of counts released with their total only.
   *
   * @param counts the counts of one line
   * @param policy what is sensitive
   * @return {@code true} = suppressed; all of them when the total is sensitive
   */
  public static boolean[] line(long[] counts, DisclosurePolicy policy) {
    Objects.requireNonNull(policy, "policy");
    boolean[] suppressed = new boolean[counts.length];
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (policy.isSensitive(total)) {
      java.util.Arrays.fill(suppressed, true);
      return suppressed;
    }
    int count = 0;
    for (int i = 0; i < counts.length; i++) {
      suppressed[i] = policy.isSensitive(counts[i]);
      count += suppressed[i] ? 1 : 0;
    }
    if (count == 1) {
      int best = -1;
      for (int i = 0; i < counts.length; i++) {
        if (!suppressed[i] && (best < 0 || preferred(counts[i], counts[best]))) {
          best = i;
        }
      }
      if (best >= 0) {
        suppressed[best] = true;
      }
    }
    return suppressed;
  }

  /** The extended table: counts with row totals, column totals and the grand total. */
  static long[][] extended(long[][] counts) {
    Objects.requireNonNull(counts, "counts");
    int r = counts.length;
    if (r == 0 || counts[0].length == 0) {
      throw new IllegalArgumentException("a table needs at least one row and one column");
    }
    int c = counts[0].length;
    long[][] e = new long[r + 1][c + 1];
    for (int i = 0; i < r; i++) {
      if (counts[i].length != c) {
        throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " columns, expected " + c);
      }
      for (int j = 0; j < c; j++) {
        long v = counts[i][j];
        if (v < 0) {
          throw new IllegalArgumentException("count at (" + i + ", " + j + ") is negative");
        }
        e[i][j] = v;
        e[i][c] += v;
        e[r][j] += v;
        e[r][c] += v;
      }
    }
    return e;
  }

  private static boolean preferred(long candidate, long best) {
    // smallest non-zero count first; zeros only when nothing else is left
    if ((candidate == 0) != (best == 0)) {
      return best == 0;
    }
    return candidate < best;
  }

  /** A suppressed entry whose edge lies on no cycle of the suppressed graph, or null. */
  private static int[] findBridge(boolean[][] s) {
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s[0].length; j++) {
        if (s[i][j]) {
          s[i][j] = false;
          boolean connected = reachable(s, i).get(s.length + j);
          s[i][j] = true;
          if (!connected) {
            return new int[] {i, j};
          }
        }
      }
    }
    return null;
  }

  /** Nodes reachable from row node {@code row}: rows 0..R-1, then columns R..R+C-1. */
  private static BitSet reachable(boolean[][] s, int row) {
    int rows = s.length;
    int cols = s[0].length;
    BitSet seen = new BitSet(rows + cols);
    Deque<Integer> queue = new ArrayDeque<>();
    seen.set(row);
    queue.add(row);
    while (!queue.isEmpty()) {
      int node = queue.poll();
      if (node < rows) {
        for (int j = 0; j < cols; j++) {
          if (s[node][j] && !seen.get(rows + j)) {
            seen.set(rows + j);
            queue.add(rows + j);
          }
        }
      } else {
        int j = node - rows;
        for (int i = 0; i < rows; i++) {
          if (s[i][j] && !seen.get(i)) {
            seen.set(i);
            queue.add(i);
          }
        }
      }
    }
    return seen;
  }

  /**
   * An unsuppressed entry that, once suppressed, puts the bridge (i, j) on a cycle: row a on the
   * column's side and column b on the row's side. When one side has no line to offer, an entry on
   * the bridge's own line, which the next pass connects.
   */
  private static int[] partnerFor(int[] bridge, boolean[][] s, long[][] e) {
    int rows = s.length;
    int i = bridge[0];
    int j = bridge[1];
    s[i][j] = false;
    BitSet rowSide = reachable(s, i);
    BitSet colSide = new BitSet();
    // nodes reachable from column j: search from any row adjacent to j, or j alone
    colSide.set(rows + j);
    for (int a = 0; a < rows; a++) {
      if (s[a][j]) {
        colSide.or(reachable(s, a));
      }
    }
    s[i][j] = true;
    List<int[]> candidates = new ArrayList<>();
    for (int a = 0; a < rows; a++) {
      if (!colSide.get(a)) {
        continue;
      }
      for (int b = 0; b < s[0].length; b++) {
        if (rowSide.get(rows + b) && !s[a][b]) {
          candidates.add(new int[] {a, b});
        }
      }
    }
    if (candidates.isEmpty()) {
      // one side is a lone line (no other suppressed entry on it): extend that line first
      boolean rowLone = rowSide.nextSetBit(rows) < 0;
      if (rowLone) {
        for (int b = 0; b < s[0].length; b++) {
          if (b != j && !s[i][b]) {
            candidates.add(new int[] {i, b});
          }
        }
      }
      if (!rowLone || candidates.isEmpty()) {
        for (int a = 0; a < rows; a++) {
          if (a != i && !s[a][j]) {
            candidates.add(new int[] {a, j});
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      throw new IllegalStateException("no complementary cell left; table too small to protect");
    }
    int lastRow = rows - 1;
    int lastCol = s[0].length - 1;
    int[] best = null;
    for (int[] cand : candidates) {
      if (best == null || better(cand, best, e, lastRow, lastCol)) {
        best = cand;
      }
    }
    return best;
  }

  private static boolean better(int[] a, int[] b, long[][] e, int lastRow, int lastCol) {
    boolean aMargin = a[0] == lastRow || a[1] == lastCol;
    boolean bMargin = b[0] == lastRow || b[1] == lastCol;
    if (aMargin != bMargin) {
      return !aMargin;
    }
    long va = e[a[0]][a[1]];
    long vb = e[b[0]][b[1]];
    if (va != vb) {
      return preferred(va, vb);
    }
    return false;
  }
}
