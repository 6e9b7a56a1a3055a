package io.junitmultihost.engine.internal.descriptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The engine's unique-ID segment types, in one place:
 * {@code [engine:multihost]/[class:com.example.FailoverTest]/[method:appsSurvive(io.junitmultihost.api.Host)]}.
 * Internal.
 */
public final class UniqueIds {

    /** The segment type of a test class; its value is the class's binary name. */
    public static final String CLASS_SEGMENT_TYPE = "class";

    /** The segment type of a test method; its value is {@code name(parameter type names)}. */
    public static final String METHOD_SEGMENT_TYPE = "method";

    private UniqueIds() {
    }

    /** {@code name(type, type)} with the parameter types' binary names, as Jupiter writes it. */
    public static String methodSegmentValue(Method method) {
        return method.getName() + "(" + Arrays.stream(method.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(", ")) + ")";
    }
}
