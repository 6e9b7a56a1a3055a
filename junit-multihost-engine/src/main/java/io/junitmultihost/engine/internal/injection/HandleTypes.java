package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.Vms;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/** The exact parameter types handles are injected into. */
final class HandleTypes {

    private HandleTypes() {
    }

    /** Whether the parameter is exactly {@code Host}, {@code Cluster}, {@code StateWait}, {@code Sync}, {@code Vms}, {@code Faults} or {@code List<Host>}. */
    static boolean isHandle(Parameter parameter) {
        return parameter.getType() == Host.class || parameter.getType() == Cluster.class
                || parameter.getType() == StateWait.class || parameter.getType() == Sync.class
                || parameter.getType() == Vms.class || parameter.getType() == Faults.class
                || isHostList(parameter);
    }

    static boolean isHostList(Parameter parameter) {
        if (parameter.getType() != List.class
                || !(parameter.getParameterizedType() instanceof ParameterizedType type)) {
            return false;
        }
        Type[] arguments = type.getActualTypeArguments();
        return arguments.length == 1 && arguments[0] == Host.class;
    }

    static String names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList().toString();
    }
}
