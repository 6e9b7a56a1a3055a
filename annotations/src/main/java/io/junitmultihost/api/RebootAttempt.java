package io.junitmultihost.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One attempt at rebooting a host into what was asked, handed to a {@link RebootPreparation}.
 *
 * @param number 1 for the first attempt, 2 for the first retry after a wrong kernel or magic, ...
 * @param magic the random string this boot's kernel command line must carry, when
 *     {@link RebootOptions#magic()} is on; a new one for every attempt
 * @param expectedKernelRelease the kernel release the boot must run, if one is expected
 */
public record RebootAttempt(int number, Optional<String> magic, Optional<String> expectedKernelRelease) {

    /** Checks the fields. */
    public RebootAttempt {
        if (number < 1) {
            throw new IllegalArgumentException("An attempt number starts at 1, was [" + number + "].");
        }
        Objects.requireNonNull(magic, "magic");
        Objects.requireNonNull(expectedKernelRelease, "expectedKernelRelease");
    }
}
