package io.junitmultihost.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Writes a host's shims: small {@code /bin/sh} scripts first on its PATH. File readers map
 * {@code /proc/sys/kernel/random/boot_id} and {@code /proc/cmdline} to the host's own files and
 * run the real program; the power commands leave a request for the provider and return at once.
 */
final class Shims {

    static final String BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id";
    static final String CMDLINE_PATH = "/proc/cmdline";

    /** Programs whose file arguments are mapped; each is shimmed only where the machine has it. */
    static final List<String> FILE_READERS = List.of("cat", "head", "tail", "grep", "sed", "awk", "cut");

    private Shims() {
    }

    static void write(HostFiles files) {
        for (String reader : FILE_READERS) {
            Optional<Path> real = Platform.find(reader);
            if (real.isPresent()) {
                write(files.bin().resolve(reader), fileReader(files, real.get()));
            }
        }
        Platform.find("kill").ifPresent(real -> write(files.bin().resolve("kill"), kill(files, real)));
        String request = quote(files.requestFile().toString());
        write(files.bin().resolve("reboot"), power(files, "reboot", request,
                "action=reboot\n"
                + "for a in \"$@\"; do\n"
                + "  case $a in\n"
                + "    -p|--poweroff) action=poweroff ;;\n"
                + "  esac\n"
                + "done\n"));
        for (String off : List.of("poweroff", "halt")) {
            write(files.bin().resolve(off), power(files, off, request,
                    "action=poweroff\n"
                    + "for a in \"$@\"; do\n"
                    + "  case $a in\n"
                    + "    --reboot) action=reboot ;;\n"
                    + "  esac\n"
                    + "done\n"));
        }
        write(files.bin().resolve("shutdown"), power(files, "shutdown", request,
                "action=poweroff\n"
                + "for a in \"$@\"; do\n"
                + "  case $a in\n"
                + "    -c|-k) exit 0 ;;\n"
                + "    -r|--reboot) action=reboot ;;\n"
                + "    --*) ;;\n"
                + "    -*r*) action=reboot ;;\n"
                + "  esac\n"
                + "done\n"));
        String otherwise = Platform.find("systemctl")
                .map(real -> "  exec " + quote(real.toString()) + " \"$@\"\n")
                .orElse("  echo \"systemctl: embedded host [" + files.host()
                        + "] has no init system; only reboot, poweroff and halt work here.\" >&2\n  exit 1\n");
        write(files.bin().resolve("systemctl"), power(files, "systemctl", request,
                "action=\n"
                + "for a in \"$@\"; do\n"
                + "  case $a in\n"
                + "    -*) ;;\n"
                + "    reboot|kexec|soft-reboot) action=reboot; break ;;\n"
                + "    poweroff|halt) action=poweroff; break ;;\n"
                + "    *) break ;;\n"
                + "  esac\n"
                + "done\n"
                + "if [ -z \"$action\" ]; then\n"
                + otherwise
                + "fi\n"));
    }

    private static String fileReader(HostFiles files, Path real) {
        return "#!/bin/sh\n"
                + "# Embedded host [" + files.host() + "]: reads this host's boot id and kernel command line\n"
                + "# in place of the machine's, then runs the real program.\n"
                + "for multihost_arg in \"$@\"; do\n"
                + "  shift\n"
                + "  case $multihost_arg in\n"
                + "    " + BOOT_ID_PATH + ") set -- \"$@\" " + quote(files.bootIdFile().toString()) + " ;;\n"
                + "    " + CMDLINE_PATH + ") set -- \"$@\" " + quote(files.cmdlineFile().toString()) + " ;;\n"
                + "    *) set -- \"$@\" \"$multihost_arg\" ;;\n"
                + "  esac\n"
                + "done\n"
                + "exec " + quote(real.toString()) + " \"$@\"\n";
    }

    /**
     * The kill program (not the shell's builtin, which {@link MachineGuard} checks): refuses
     * {@code -1} (every process this user may signal, on this machine) and {@code 1} (its init)
     * as targets, and a lone {@code -1}; runs the real one otherwise.
     */
    private static String kill(HostFiles files, Path real) {
        return "#!/bin/sh\n"
                + "# Embedded host [" + files.host() + "]: its commands run on this machine, where kill -1 would\n"
                + "# signal every process and kill 1 its init; refuse those, run the real kill otherwise.\n"
                + "multihost_refuse() {\n"
                + "  echo \"kill: embedded host [" + files.host() + "] refused [kill $*]: it would signal every process on this machine"
                + " (or its init), not the host's. Kill the processes you started by their pid, or reboot the host with host.reboot().\" >&2\n"
                + "  exit " + MachineGuard.EXIT_REFUSED + "\n"
                + "}\n"
                + "multihost_state=first\n"
                + "multihost_skip=0\n"
                + "for multihost_arg in \"$@\"; do\n"
                + "  if [ \"$multihost_skip\" = 1 ]; then multihost_skip=0; continue; fi\n"
                + "  case $multihost_state in\n"
                + "    first)\n"
                + "      multihost_state=target\n"
                + "      case $multihost_arg in\n"
                + "        -l|-L|--list|--table) break ;;\n"
                + "        -s|-n|--signal|-q|--queue) multihost_skip=1; multihost_state=dashdash; continue ;;\n"
                + "        --) continue ;;\n"
                + "        -1) [ $# = 1 ] && multihost_refuse \"$@\"; multihost_state=dashdash; continue ;;\n"
                + "        -*) multihost_state=dashdash; continue ;;\n"
                + "      esac ;;\n"
                + "    dashdash)\n"
                + "      multihost_state=target\n"
                + "      [ \"$multihost_arg\" = -- ] && continue ;;\n"
                + "  esac\n"
                + "  case $multihost_arg in\n"
                + "    -1|1) multihost_refuse \"$@\" ;;\n"
                + "  esac\n"
                + "done\n"
                + "exec " + quote(real.toString()) + " \"$@\"\n";
    }

    /** A power shim: {@code decide} sets {@code action}; the request is written atomically (mv). */
    private static String power(HostFiles files, String name, String request, String decide) {
        return "#!/bin/sh\n"
                + "# Embedded host [" + files.host() + "]: asks the embedded provider to power this host\n"
                + "# off or reboot it, and returns at once as systemctl does; the host goes down shortly after.\n"
                + decide
                + "printf '%s\\n' \"$action\" > " + request + ".$$ && mv -f " + request + ".$$ " + request + " || {\n"
                + "  echo \"" + name + ": could not ask the embedded provider to $action host [" + files.host() + "].\" >&2\n"
                + "  exit 1\n"
                + "}\n"
                + "exit 0\n";
    }

    /** Quotes {@code text} for /bin/sh: single quotes, with embedded ones closed and escaped. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static void write(Path file, String script) {
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                if (!file.toFile().setExecutable(true)) {
                    throw new IOException("cannot make it executable");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the shim [" + file + "].", e);
        }
    }
}
