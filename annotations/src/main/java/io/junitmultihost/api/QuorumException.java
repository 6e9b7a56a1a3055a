package io.junitmultihost.api;

/**
 * Fewer hosts than a {@link Quorum}'s minimum made it: names every missing host and its state.
 * {@link #results()} has each host's outcome.
 */
public class QuorumException extends RebootException {

    private static final long serialVersionUID = 1L;

    private final transient RebootResults results;

    /** @param message what went wrong, with values in brackets; @param results each host's outcome, may be null */
    public QuorumException(String message, RebootResults results) {
        super(message);
        this.results = results;
    }

    /** Each host's outcome when the quorum was given up; null when not known. */
    public RebootResults results() {
        return results;
    }
}
