package org.fedfhir.securecompute.sharing;

/**
 * Thrown when fewer shares with distinct indexes are present than the scheme's threshold, so the
 * secret cannot be reconstructed. In secure aggregation (Bonawitz et al., CCS 2017) this is the
 * "fewer than t sites alive" case: the round must abort and nothing is revealed.
 *
 * <p>The message names only counts, never share contents.
 */
public final class NotEnoughSharesException extends RuntimeException {

    private final int required;
    private final int present;

    /**
     * @param required the threshold t
     * @param present the number of shares with distinct indexes that were supplied
     */
    public NotEnoughSharesException(int required, int present) {
        super("need " + required + " shares to reconstruct, got " + present);
        this.required = required;
        this.present = present;
    }

    /** @return the threshold t that was not reached */
    public int required() {
        return required;
    }

    /** @return how many shares with distinct indexes were supplied */
    public int present() {
        return present;
    }
}
