package io.junitmultihost.engine.internal.hosts;

/**
 * The files holding a token that a test JVM killed while its class held a host leaves there: the
 * class's {@code ~/.multihost/sync.env} and its remote JVMs' {@code ~/.junit-multihost/vms/ID/token}.
 * Nothing of that class can still use them once the host is leased again (a lease is the host's
 * alone), so the lease removes them, but only files provably ours: regular files of the host's
 * user, holding exactly what the engine writes there (the three {@code MH_SYNC_*} lines; one token
 * of 48 hex digits). Internal.
 */
final class StaleTokenFiles {

    /** Removes them; prints nothing and always exits 0 (POSIX sh, busybox ash). */
    static final String REMOVE = "f=\"$HOME/.multihost/sync.env\"\n"
            + "if [ -f \"$f\" ] && [ ! -h \"$f\" ] && [ -O \"$f\" ] && [ \"$(grep -cE \"^MH_SYNC_(URL|TOKEN|AS)='[^']*'\\$\" \"$f\")\" = 3 ]"
            + " && [ \"$(wc -l < \"$f\")\" -eq 3 ]; then rm -f \"$f\"; fi\n"
            + "for t in \"$HOME\"/.junit-multihost/vms/*/token; do\n"
            + "  [ -f \"$t\" ] && [ ! -h \"$t\" ] && [ -O \"$t\" ] && [ \"$(wc -c < \"$t\")\" -eq 48 ]"
            + " && grep -qx '[0-9a-f]\\{48\\}' \"$t\" && rm -f \"$t\"\n"
            + "done\n"
            + "true\n";

    private StaleTokenFiles() {
    }
}
