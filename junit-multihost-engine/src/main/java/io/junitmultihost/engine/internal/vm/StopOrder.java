package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.SerializableRunnable;
import java.io.Serializable;
import java.util.List;

/**
 * What a remote JVM does when stopped by an EXIT or DISCONNECT mode, or at the end of its class:
 * let running invocations finish, run {@code closeTasks}, then the disconnect hook if given, then
 * exit unless {@code stayUp}.
 */
record StopOrder(List<SerializableRunnable> closeTasks, SerializableRunnable disconnectHook, boolean stayUp)
        implements Serializable {
}
