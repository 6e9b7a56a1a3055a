package io.junitmultihost.engine.internal.faults;

import java.util.List;

/**
 * The shell scripts that impose a fault on one host and lift it. Each fault has a name of its own
 * on the host (an nftables table, iptables chains, files under {@code /run/junit-multihost-faults}),
 * so lifting removes exactly what it added and never what the host's owner had. Imposing also
 * starts the fault's end on the host itself: a {@code setsid sh -c 'sleep N; <lift>'} timer with no
 * terminal and no tie to the SSH session, which the test JVM's own lift ends first. A script exits
 * with {@link #CANNOT} and says why on stderr when the host cannot take the fault.
 */
final class HostScripts {

    /** The exit code of a script that could not impose its fault: the reason is on stderr. */
    static final int CANNOT = 90;

    private HostScripts() {
    }

    /**
     * Imposes {@code rules} with nftables, or iptables where the host has no usable nftables, and
     * prints which it used ({@code nft} or {@code iptables}).
     */
    static String imposeNetwork(FaultName name, List<FilterRule> rules, long seconds) {
        return imposeNetwork(name, rules, seconds, false);
    }

    /**
     * As {@link #imposeNetwork(FaultName, List, long)}; with {@code deferred} (for a fault that cuts
     * the test JVM's own link) the rules are checked ({@code nft -c}) but applied by the host's timer
     * half a second after this script returned, so that its answer still reaches the test JVM.
     */
    static String imposeNetwork(FaultName name, List<FilterRule> rules, long seconds, boolean deferred) {
        StringBuilder s = new StringBuilder(prelude(name));
        String table = "inet " + name.table();
        s.append("NE=$($S nft list tables 2>&1 >/dev/null | head -n 1)\n");
        s.append("if command -v nft >/dev/null 2>&1 && $S nft list tables >/dev/null 2>&1; then\n");
        s.append("  if $S nft list table ").append(table).append(" >/dev/null 2>&1; then refuse \"nftables table ")
                .append(name.table()).append(" exists already\"; fi\n");
        s.append("  cat > \"$D/$T.nft\" <<RULES\n");
        s.append("table ").append(table).append(" {\n");
        s.append(nftChain("input", "input", rules.stream().filter(FilterRule::incoming).toList()));
        s.append(nftChain("output", "output", rules.stream().filter(r -> !r.incoming()).toList()));
        s.append("}\nRULES\n");
        s.append("  E=$($S nft ").append(deferred ? "-c " : "").append("-f \"$D/$T.nft\" 2>&1) || { rm -f \"$D/$T.\"*; refuse \"nft refused the rules: $E\"; }\n");
        if (deferred) {
            s.append("  echo \"$S nft -f $D/$T.nft\" > \"$D/$T.apply\"\n");
        }
        s.append("  echo \"$S nft delete table ").append(table).append(" 2>/dev/null\" > \"$D/$T.lift\"\n");
        s.append("  B=nft\n");
        boolean iptables = !deferred && rules.stream().allMatch(FilterRule::fitsIptables);
        if (iptables) {
            String in = name.chain() + "I";
            String out = name.chain() + "O";
            s.append("elif command -v iptables >/dev/null 2>&1 && $S iptables -S INPUT >/dev/null 2>&1; then\n");
            s.append("  case \"$C\" in *:*) refuse \"iptables here filters IPv4 only, and the test JVM comes from $C\";; esac\n");
            s.append("  cat > \"$D/$T.lift\" <<LIFT\n");
            s.append("$S iptables -D INPUT -j ").append(in).append(" 2>/dev/null\n");
            s.append("$S iptables -D OUTPUT -j ").append(out).append(" 2>/dev/null\n");
            for (String chain : List.of(in, out)) {
                s.append("$S iptables -F ").append(chain).append(" 2>/dev/null\n");
                s.append("$S iptables -X ").append(chain).append(" 2>/dev/null\n");
            }
            s.append("LIFT\n");
            s.append("  { $S iptables -N ").append(in).append(" && $S iptables -N ").append(out);
            for (FilterRule rule : rules) {
                for (String line : rule.iptables(rule.incoming() ? in : out)) {
                    s.append(" && $S iptables ").append(line);
                }
            }
            s.append(" && $S iptables -I INPUT 1 -j ").append(in).append(" && $S iptables -I OUTPUT 1 -j ").append(out)
                    .append("; } 2>\"$D/$T.err\" || { E=$(head -n 1 \"$D/$T.err\"); . \"$D/$T.lift\"; rm -f \"$D/$T.\"*;"
                            + " refuse \"iptables refused the rules: $E\"; }\n");
            s.append("  rm -f \"$D/$T.err\"\n");
            s.append("  B=iptables\n");
        }
        s.append("else\n");
        s.append("  refuse \"neither nftables nor iptables is usable here (nft: ${NE:-not installed}")
                .append(iptables ? "; iptables: $($S iptables -S INPUT 2>&1 >/dev/null | head -n 1)"
                        : deferred ? "; a cut of the test JVM's own link needs nftables" : "; iptables cannot filter IPv6 peers")
                .append(")\"\n");
        s.append("fi\n");
        s.append(timer(seconds));
        s.append("echo \"$B\"\n");
        return s.toString();
    }

    /**
     * Limits what the host sends on its links to the test JVM and to {@code peers} (one link on a
     * lab host; a QEMU guest reaches the test JVM and the other guests through two) to
     * {@code bitsPerSecond} each, with a tc {@code tbf} of a handle of ours, where each link has the
     * kernel's default queueing (a queueing discipline the host's owner set is never replaced).
     */
    static String imposeBandwidth(FaultName name, long bitsPerSecond, long seconds, List<String> peers) {
        long burstBytes = Math.max(bitsPerSecond / 8 / 10, 3200);
        StringBuilder s = new StringBuilder(prelude(name));
        s.append("command -v tc >/dev/null 2>&1 || refuse \"tc is not installed (iproute2)\"\n");
        s.append("DEVS=\n");
        s.append("for A in \"$C\"");
        for (String peer : peers) {
            s.append(" ").append(peer);
        }
        s.append("; do\n");
        s.append("  DEV=$(ip route get \"$A\" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1)\n");
        s.append("  [ -n \"$DEV\" ] || refuse \"no route to $A to find the link\"\n");
        s.append("  case \" $DEVS \" in *\" $DEV \"*) ;; *) [ \"$DEV\" = lo ] || DEVS=\"$DEVS $DEV\";; esac\n");
        s.append("done\n");
        s.append("for DEV in $DEVS; do\n");
        s.append("  Q=$($S tc qdisc show dev \"$DEV\" root 2>&1) || refuse \"tc cannot read the link $DEV: $Q\"\n");
        s.append("  case \"$Q\" in *noqueue*|*pfifo_fast*|*fq_codel*|*\"qdisc mq \"*|*\"qdisc fq \"*|*\"qdisc pfifo \"*|\"\") ;;\n");
        s.append("    *) refuse \"its link $DEV has a queueing discipline of its own, which faults never replace: $Q\";; esac\n");
        s.append("done\n");
        s.append(": > \"$D/$T.lift\"\n");
        s.append("for DEV in $DEVS; do\n");
        // Only our own tbf is removed: the kernel then puts back the default the link had.
        s.append("  echo \"$S tc qdisc show dev $DEV root | grep -q 'tbf ").append(TBF_HANDLE)
                .append(" ' && $S tc qdisc del dev $DEV root\" >> \"$D/$T.lift\"\n");
        s.append("  $S tc qdisc replace dev \"$DEV\" root handle ").append(TBF_HANDLE).append(" tbf rate ").append(bitsPerSecond)
                .append("bit burst ").append(burstBytes).append(" latency 200ms 2>\"$D/$T.err\" || { E=$(cat \"$D/$T.err\");"
                        + " . \"$D/$T.lift\"; rm -f \"$D/$T.\"*; refuse \"tc refused the limit on $DEV: $E\"; }\n");
        s.append("done\n");
        s.append("rm -f \"$D/$T.err\"\n");
        s.append("B=tc\n");
        s.append(timer(seconds));
        s.append("echo \"$B\"\n");
        return s.toString();
    }

    /** The tc handle of our bandwidth limits. */
    static final String TBF_HANDLE = "4a4d:";

    /**
     * Stops {@code target} ({@code -PGID} for a process group, or a PID) with SIGSTOP; its end
     * sends SIGCONT.
     */
    static String imposePause(FaultName name, String target, long seconds) {
        StringBuilder s = new StringBuilder(prelude(name));
        s.append("kill -STOP ").append(target).append(" 2>\"$D/$T.err\" || { E=$(cat \"$D/$T.err\"); rm -f \"$D/$T.err\";"
                + " refuse \"cannot stop it: $E\"; }\n");
        s.append("rm -f \"$D/$T.err\"\n");
        s.append("echo \"kill -CONT ").append(target).append(" 2>/dev/null\" > \"$D/$T.lift\"\n");
        s.append("B=signal\n");
        s.append(timer(seconds));
        s.append("echo \"$B\"\n");
        return s.toString();
    }

    /**
     * Lifts the fault {@code name}: ends its timer on the host, then runs what lifts it. The lift
     * is given here, not read from the host's file, so that it works when the file is gone (a
     * host whose {@code /run} was emptied by a reboot that kept its network rules).
     */
    static String lift(FaultName name, String liftCommands) {
        return prelude(name)
                + "if [ -s \"$D/$T.pid\" ]; then P=$(cat \"$D/$T.pid\"); kill -TERM -\"$P\" 2>/dev/null || kill -TERM \"$P\" 2>/dev/null; fi\n"
                + liftCommands + "\n"
                + "rm -f \"$D/$T.\"*\n";
    }

    /** What lifts a fault imposed with backend {@code backend} ({@code nft}, {@code iptables}, ...). */
    static String liftCommands(FaultName name, String backend, String pauseTarget) {
        return switch (backend) {
            case "nft" -> "$S nft delete table inet " + name.table() + " 2>/dev/null || true";
            case "iptables" -> {
                StringBuilder s = new StringBuilder();
                String in = name.chain() + "I";
                String out = name.chain() + "O";
                s.append("$S iptables -D INPUT -j ").append(in).append(" 2>/dev/null\n");
                s.append("$S iptables -D OUTPUT -j ").append(out).append(" 2>/dev/null\n");
                for (String chain : List.of(in, out)) {
                    s.append("$S iptables -F ").append(chain).append(" 2>/dev/null\n");
                    s.append("$S iptables -X ").append(chain).append(" 2>/dev/null\n");
                }
                s.append("true");
                yield s.toString();
            }
            case "tc", "signal" -> "if [ -s \"$D/$T.lift\" ]; then . \"$D/$T.lift\"; fi"
                    + (pauseTarget == null ? "" : "\nkill -CONT " + pauseTarget + " 2>/dev/null || true");
            default -> throw new IllegalArgumentException("Unknown fault backend [" + backend + "].");
        };
    }

    /** Sets {@code T}, {@code D} (our directory), {@code S} (sudo when not root), {@code C} and {@code CF} (the test JVM's address and family). */
    private static String prelude(FaultName name) {
        return "T=" + name.file() + "\n"
                + "D=/run/junit-multihost-faults\n"
                + "{ mkdir -p \"$D\" && [ -w \"$D\" ]; } 2>/dev/null || { D=\"$HOME/.junit-multihost/faults\"; mkdir -p \"$D\" || exit "
                + CANNOT + "; }\n"
                + "S=; [ \"$(id -u)\" = 0 ] || S=\"sudo -n\"\n"
                + "C=${SSH_CLIENT%% *}; CF=ip; case \"$C\" in *:*) CF=ip6;; esac\n"
                + "refuse() { echo \"$*\" >&2; exit " + CANNOT + "; }\n";
    }

    /**
     * Starts the fault's end on the host: a session of its own ({@code setsid}), no terminal, no
     * output tied to the SSH channel, so neither the SSH session's end nor the test JVM's death
     * stops it. Waits until it wrote its pid, so that a lift right after finds it.
     */
    private static String timer(long seconds) {
        String body = "'echo $$ > \"$1/$2.pid\"; if [ -f \"$1/$2.apply\" ]; then sleep 0.5; . \"$1/$2.apply\"; fi;"
                + " sleep \"$3\"; . \"$1/$2.lift\"; rm -f \"$1/$2.\"*' timer \"$D\" \"$T\" "
                + seconds + " </dev/null >/dev/null 2>&1 &";
        return "if command -v setsid >/dev/null 2>&1; then setsid sh -c " + body + "\n"
                + "else (trap '' HUP; sh -c " + body + ")\nfi\n"
                + "i=0; while [ ! -s \"$D/$T.pid\" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n";
    }

    private static String nftChain(String chain, String hook, List<FilterRule> rules) {
        StringBuilder s = new StringBuilder();
        s.append("  chain ").append(chain).append(" {\n");
        s.append("    type filter hook ").append(hook).append(" priority -310; policy accept;\n");
        for (FilterRule rule : rules) {
            for (String line : rule.nft()) {
                s.append("    ").append(line).append("\n");
            }
        }
        s.append("  }\n");
        return s.toString();
    }
}
