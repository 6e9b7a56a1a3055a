package io.junitmultihost.engine.internal.hosts;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/** Two live sets of host names seen as one, read-only: what a provider must not offer. Internal. */
final class BusyHosts extends AbstractSet<String> {

    private final Set<String> here;
    private final Set<String> elsewhere;

    BusyHosts(Set<String> here, Set<String> elsewhere) {
        this.here = here;
        this.elsewhere = elsewhere;
    }

    @Override
    public boolean contains(Object name) {
        return here.contains(name) || elsewhere.contains(name);
    }

    @Override
    public Iterator<String> iterator() {
        return Stream.concat(here.stream(), elsewhere.stream().filter(name -> !here.contains(name))).iterator();
    }

    @Override
    public int size() {
        return (int) Stream.concat(here.stream(), elsewhere.stream().filter(name -> !here.contains(name))).count();
    }
}
