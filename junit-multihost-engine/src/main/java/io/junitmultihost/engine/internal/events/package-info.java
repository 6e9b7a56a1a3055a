/**
 * Internal: the run's in-JVM stream of host state changes ({@link io.junitmultihost.engine.internal.events.HostEvents}),
 * the hosts whose absence is expected while the engine reboots them, and the
 * {@link io.junitmultihost.api.StateWait} handle built on that stream.
 */
package io.junitmultihost.engine.internal.events;
