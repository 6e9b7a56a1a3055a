package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an OpenSSH client configuration ({@code ~/.ssh/config}) that say how to reach a
 * host: {@code Host} blocks with wildcards and negation, {@code Match all/host/originalhost/user/
 * localuser/final}, {@code Include} (relative paths against the directory of the top file, which is
 * {@code ~/.ssh} for the user's config), and the keywords HostName, User, Port, IdentityFile,
 * ProxyJump and UserKnownHostsFile (ProxyCommand only to warn that it is not run). As in OpenSSH,
 * the first value obtained for a keyword wins. Immutable.
 */
final class SshConfig {

    private static final Logger LOG = LoggerFactory.getLogger(SshConfig.class);
    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final Pattern KEYWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9]*)\\s*(?:=\\s*|\\s+|$)(.*)$");

    static final SshConfig NONE = new SshConfig(null, List.of());

    private final Path file;
    private final List<Block> blocks;

    private SshConfig(Path file, List<Block> blocks) {
        this.file = file;
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Reads {@code file}. A missing file is no config when {@code required} is false (the default
     * {@code ~/.ssh/config}), and an error when the user named it.
     */
    static SshConfig load(Path file, boolean required) {
        if (!Files.exists(file) && !required) {
            LOG.debug("No SSH config at [{}]; hosts are taken as the inventory gives them.", file);
            return NONE;
        }
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Block(Condition.ALWAYS, new ArrayList<>()));
        new Reader(blocks, file.toAbsolutePath().getParent()).read(file, Condition.ALWAYS, 0, null);
        return new SshConfig(file, blocks);
    }

    /** The file read, or null for none. */
    Path file() {
        return file;
    }

    /** What the config says for {@code alias} (the name ssh would be given), for {@code user} so far. */
    Resolved lookup(String alias, String inventoryUser) {
        Map<String, Setting> first = new HashMap<>();
        List<Setting> identityFiles = new ArrayList<>();
        String proxyFirst = null;
        for (Block block : blocks) {
            Setting hostName = first.get("hostname");
            Setting user = first.get("user");
            MatchContext context = new MatchContext(alias,
                    hostName != null ? hostName.value().replace("%h", alias) : alias,
                    inventoryUser != null ? inventoryUser : user != null ? user.value() : LocalPaths.localUser());
            if (!block.condition.matches(context)) {
                continue;
            }
            for (Option option : block.options) {
                Setting value = Setting.of(String.join(" ", option.args), option.origin);
                if (option.key.equals("identityfile")) {
                    identityFiles.add(value);
                } else {
                    if ((option.key.equals("proxyjump") || option.key.equals("proxycommand"))
                            && !first.containsKey("proxyjump") && !first.containsKey("proxycommand")) {
                        proxyFirst = option.key;
                    }
                    first.putIfAbsent(option.key, value);
                }
            }
        }
        // as in OpenSSH, ProxyJump and ProxyCommand exclude each other: the first one obtained wins
        boolean commandFirst = "proxycommand".equals(proxyFirst);
        Setting jump = first.get("proxyjump");
        Setting command = first.get("proxycommand");
        return new Resolved(first.get("hostname"), first.get("user"), first.get("port"), commandFirst ? null : jump,
                first.get("userknownhostsfile"), identityFiles, commandFirst ? command : null);
    }

    /**
     * What the config gives for one host; any field may be null, identityFiles may be empty.
     * {@code proxyCommand}: the ProxyCommand that applies (which the transport does not run), or null.
     */
    record Resolved(Setting hostName, Setting user, Setting port, Setting proxyJump, Setting userKnownHostsFile,
            List<Setting> identityFiles, Setting proxyCommand) {
    }

    private record Option(String key, List<String> args, Origin origin) {
    }

    private record Block(Condition condition, List<Option> options) {
    }

    private record MatchContext(String originalHost, String host, String user) {
    }

    /** When a block applies. */
    private interface Condition {
        Condition ALWAYS = context -> true;

        boolean matches(MatchContext context);
    }

    /** Parses files into blocks, following Include. */
    private static final class Reader {
        private final List<Block> blocks;
        private final Path includeBase;

        /** @param includeBase where relative Include paths point: ~/.ssh for the user's config, as in OpenSSH */
        Reader(List<Block> blocks, Path includeBase) {
            this.blocks = blocks;
            this.includeBase = includeBase;
        }

        void read(Path path, Condition enclosing, int depth, Origin includedFrom) {
            if (depth > MAX_INCLUDE_DEPTH) {
                throw includedFrom.error("Include nests deeper than [" + MAX_INCLUDE_DEPTH + "] files; look for an Include loop.");
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                String where = includedFrom != null ? "Bad " + includedFrom + ": the included file" : "The SSH config";
                throw new ConfigurationException(where + " [" + path + "] cannot be read (" + e + "); fix its permissions "
                        + "or set [" + InventoryConstants.SSH_CONFIG + "] to another file or to [none].", e);
            }
            Block current = new Block(enclosing, new ArrayList<>());
            blocks.add(current);
            for (int i = 0; i < lines.size(); i++) {
                Origin origin = new Origin("SSH config", path, i + 1);
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = KEYWORD.matcher(line);
                if (!m.matches()) {
                    throw origin.error("cannot read [" + line + "]; a line is a keyword and its arguments.");
                }
                String key = m.group(1).toLowerCase(Locale.ROOT);
                List<String> args = Shlex.split(m.group(2), origin);
                switch (key) {
                    case "host" -> {
                        if (args.isEmpty()) {
                            throw origin.error("[Host] needs at least one pattern.");
                        }
                        current = new Block(context -> SshPatterns.matchesAny(context.originalHost(), args), new ArrayList<>());
                        blocks.add(current);
                    }
                    case "match" -> {
                        current = new Block(matchCondition(args, origin), new ArrayList<>());
                        blocks.add(current);
                    }
                    case "include" -> {
                        for (String arg : args) {
                            for (Path included : expandInclude(arg)) {
                                read(included, current.condition, depth + 1, origin);
                            }
                        }
                        // Lines after the Include belong to the block it was in.
                        current = new Block(current.condition, new ArrayList<>());
                        blocks.add(current);
                    }
                    default -> {
                        if (args.isEmpty()) {
                            throw origin.error("[" + m.group(1) + "] needs a value.");
                        }
                        current.options.add(new Option(key, args, origin));
                    }
                }
            }
        }

        private List<Path> expandInclude(String arg) {
            Path path = LocalPaths.resolve(arg, includeBase);
            String name = path.getFileName().toString();
            if (!name.matches(".*[*?\\[].*")) {
                return Files.isRegularFile(path) ? List.of(path) : List.of();
            }
            List<Path> matched = new ArrayList<>();
            if (Files.isDirectory(path.getParent())) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(path.getParent(), name)) {
                    dir.forEach(p -> {
                        if (Files.isRegularFile(p)) {
                            matched.add(p);
                        }
                    });
                } catch (IOException e) {
                    throw new ConfigurationException("The SSH config Include [" + arg + "] cannot be listed (" + e + ").", e);
                }
            }
            matched.sort(null);
            return matched;
        }

        private static Condition matchCondition(List<String> args, Origin origin) {
            if (args.isEmpty()) {
                throw origin.error("[Match] needs criteria, for example [Match host web*].");
            }
            List<Condition> all = new ArrayList<>();
            boolean evaluable = true;
            for (int i = 0; i < args.size(); i++) {
                String criterion = args.get(i).toLowerCase(Locale.ROOT);
                boolean negated = criterion.startsWith("!");
                String name = negated ? criterion.substring(1) : criterion;
                Condition condition;
                switch (name) {
                    case "all", "final" -> condition = Condition.ALWAYS;
                    case "canonical" -> condition = context -> false;
                    case "host", "originalhost", "user", "localuser", "exec", "localnetwork", "tagged" -> {
                        if (i + 1 >= args.size()) {
                            throw origin.error("[Match " + name + "] needs an argument.");
                        }
                        List<String> patterns = List.of(args.get(++i).split(","));
                        condition = switch (name) {
                            case "host" -> context -> SshPatterns.matchesAny(context.host(), patterns);
                            case "originalhost" -> context -> SshPatterns.matchesAny(context.originalHost(), patterns);
                            case "user" -> context -> SshPatterns.matchesAny(context.user(), patterns);
                            case "localuser" -> context -> SshPatterns.matchesAny(LocalPaths.localUser(), patterns);
                            default -> {
                                evaluable = false;
                                LOG.debug("{}: [Match {}] is not evaluated by the inventory provider; the block is skipped.", origin, name);
                                yield context -> false;
                            }
                        };
                    }
                    default -> throw origin.error("[Match] has the unknown criterion [" + args.get(i) + "].");
                }
                Condition c = condition;
                all.add(negated ? context -> !c.matches(context) : c);
            }
            if (!evaluable) {
                return context -> false;
            }
            return context -> all.stream().allMatch(c -> c.matches(context));
        }
    }
}
