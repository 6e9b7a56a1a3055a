package io.junitmultihost.api;

/**
 * A step run on a host before each attempt at rebooting it: install a kernel or an image, set the
 * boot entry, put {@link RebootAttempt#magic()} on the next kernel command line. It runs in the
 * {@link HostState#PREPARING} phase, within that phase's deadline; throwing fails the reboot with
 * the exception's message.
 *
 * <pre>{@code
 * RebootOptions.defaults().withMagic(true).withPrepare((host, attempt) ->
 *         host.exec("set-next-boot", "--append", attempt.magic().orElseThrow()).assertSuccess());
 * }</pre>
 */
@FunctionalInterface
public interface RebootPreparation {

    /** Prepares {@code host} for {@code attempt}; throws to fail the reboot, with a message that says why. */
    void prepare(Host host, RebootAttempt attempt) throws Exception;
}
