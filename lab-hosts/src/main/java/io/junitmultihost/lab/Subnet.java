package io.junitmultihost.lab;

import io.junitmultihost.api.ConfigurationException;

/**
 * An IPv4 subnet in CIDR form such as {@code 10.253.77.0/24}: the machine takes the first address
 * (the bridge's), host {@code n} (from 1) the address after it.
 */
final class Subnet {

    private final int network;
    private final int prefix;

    private Subnet(int network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses {@code text}; a {@link ConfigurationException} naming {@code key} when it is not a /8../29 subnet. */
    static Subnet parse(String key, String text) {
        String[] parts = text.strip().split("/");
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 8 || prefix > 29) {
                throw new IllegalArgumentException();
            }
            int address = toInt(parts[0]);
            int mask = mask(prefix);
            if ((address & ~mask) != 0) {
                throw new ConfigurationException("Configuration parameter [" + key + "] must name a network address; [" + text
                        + "] has host bits set, use [" + toText(address & mask) + "/" + prefix + "].");
            }
            return new Subnet(address, prefix);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Configuration parameter [" + key
                    + "] must be an IPv4 subnet from /8 to /29 such as 10.253.77.0/24, was [" + text + "].");
        }
    }

    /** The machine's address on the bridge. */
    String gateway() {
        return toText(network + 1);
    }

    /** The address of host {@code index}, counted from 1. */
    String address(int index) {
        if (index < 1 || index > capacity()) {
            throw new IllegalArgumentException("Host index [" + index + "] is outside subnet [" + this + "] which holds ["
                    + capacity() + "] hosts.");
        }
        return toText(network + 1 + index);
    }

    /** How many hosts fit: all addresses but the network, the gateway and the broadcast one. */
    int capacity() {
        return (1 << (32 - prefix)) - 3;
    }

    int prefix() {
        return prefix;
    }

    /** This subnet moved up by {@code steps} blocks of its own size, for picking a free one. */
    Subnet next(int steps) {
        return new Subnet(network + steps * (1 << (32 - prefix)), prefix);
    }

    /** Whether this subnet and {@code other} share any address. */
    boolean overlaps(Subnet other) {
        int mask = mask(Math.min(prefix, other.prefix));
        return (network & mask) == (other.network & mask);
    }

    @Override
    public String toString() {
        return toText(network) + "/" + prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static int toInt(String dotted) {
        String[] octets = dotted.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException();
        }
        int value = 0;
        for (String octet : octets) {
            int part = Integer.parseInt(octet);
            if (part < 0 || part > 255) {
                throw new IllegalArgumentException();
            }
            value = value << 8 | part;
        }
        return value;
    }

    private static String toText(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
    }
}
