package io.junitmultihost.engine.internal.descriptor;

/** Rethrows what a user's method threw, checked or not, as it is. */
final class Throwables {

    private Throwables() {
    }

    static RuntimeException rethrow(Throwable t) {
        throw Throwables.<RuntimeException>sneaky(t);
    }

    /** {@code first}, or {@code next} when there is no first; later failures become suppressed. */
    static Throwable add(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
