package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Host;
import java.time.Duration;

/** What one fault does to one host: imposed, then lifted, each within a deadline. */
interface FaultPart {

    /** The host it acts on. */
    Host host();

    /** Imposes it; a {@link io.junitmultihost.api.MultiHostException} saying why when the host cannot take it. */
    void impose(Duration deadline);

    /** Lifts it; does nothing when it is lifted already. */
    void lift(Duration deadline);
}
