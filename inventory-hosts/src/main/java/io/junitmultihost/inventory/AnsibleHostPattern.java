package io.junitmultihost.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host as an Ansible inventory names it: {@code name}, {@code name:port}, {@code [v6addr]:port},
 * and ranges such as {@code web[01:03]}, {@code db-[a:c]} or {@code n[0:10:5]}, expanded as
 * Ansible expands them.
 *
 * @param names the host names, one unless the pattern had ranges
 * @param port the port written after the name, or null
 */
record AnsibleHostPattern(List<String> names, String port) {

    private static final Pattern BRACKETED_V6 = Pattern.compile("^\\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\\](?::(\\d+))?$");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]\\[]*)\\]");

    static AnsibleHostPattern parse(String text, Origin origin) {
        Matcher v6 = BRACKETED_V6.matcher(text);
        if (v6.matches()) {
            return new AnsibleHostPattern(List.of(v6.group(1)), v6.group(2));
        }
        int colons = 0;
        int lastColon = -1;
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ':' && depth == 0) {
                colons++;
                lastColon = i;
            }
        }
        String name = text;
        String port = null;
        if (colons == 1) {
            name = text.substring(0, lastColon);
            port = text.substring(lastColon + 1);
            if (!port.matches("\\d+")) {
                throw origin.error("the host [" + text + "] has the port [" + port + "]; write [name:port] with a number from 1 to 65535.");
            }
        }
        if (name.isEmpty()) {
            throw origin.error("the host [" + text + "] has no name.");
        }
        List<String> names = new ArrayList<>();
        expand(name, origin, names);
        return new AnsibleHostPattern(names, port);
    }

    private static void expand(String name, Origin origin, List<String> out) {
        Matcher m = RANGE.matcher(name);
        if (!m.find()) {
            out.add(name);
            return;
        }
        String head = name.substring(0, m.start());
        String tail = name.substring(m.end());
        String[] parts = m.group(1).split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw origin.error("the host range [" + m.group(1) + "] in [" + name + "] must be [begin:end] or [begin:end:step], "
                    + "for example [web[01:03]].");
        }
        int step = 1;
        if (parts.length == 3) {
            if (!parts[2].matches("\\d+") || Integer.parseInt(parts[2]) < 1) {
                throw origin.error("the host range [" + m.group(1) + "] has the step [" + parts[2] + "]; write a positive number.");
            }
            step = Integer.parseInt(parts[2]);
        }
        String begin = parts[0];
        String end = parts[1];
        List<String> values = new ArrayList<>();
        if (begin.matches("\\d+") && end.matches("\\d+")) {
            // Ansible keeps the width of a zero-padded begin, and then wants the same width at the end.
            int width = begin.length() > 1 && begin.startsWith("0") ? begin.length() : 0;
            if (width > 0 && end.length() != width) {
                throw origin.error("the host range [" + m.group(1) + "] pads its begin to [" + width + "] digits but not its end; "
                        + "give both the same width.");
            }
            long from = Long.parseLong(begin);
            long to = Long.parseLong(end);
            if (from > to || (to - from) / step > 100_000) {
                throw origin.error("the host range [" + m.group(1) + "] must go upward and name at most 100000 hosts.");
            }
            for (long i = from; i <= to; i += step) {
                values.add(width > 0 ? String.format("%0" + width + "d", i) : Long.toString(i));
            }
        } else if (begin.matches("[A-Za-z]") && end.matches("[A-Za-z]") && begin.charAt(0) <= end.charAt(0)) {
            for (char c = begin.charAt(0); c <= end.charAt(0); c += (char) step) {
                values.add(String.valueOf(c));
            }
        } else {
            throw origin.error("the host range [" + m.group(1) + "] must run between two numbers or two letters, upward.");
        }
        for (String value : values) {
            expand(head + value + tail, origin, out);
        }
    }
}
