/**
 * Internal: who owns what a test class starts. Each class lease has one {@link
 * io.junitmultihost.engine.internal.owner.Owner}; reboot state machines, prepare steps, fan-out
 * calls, commands, sync participants and port forwards register with it as they start and leave it
 * as they end on their own. When the class ends the owner stops what is left, stage by
 * stage ({@link io.junitmultihost.engine.internal.owner.Stage}), each within its own bound, and logs
 * by name whatever it had to cancel. The run has an owner of its own, closed with the host pool or
 * when the JVM shuts down; it owns the classes' owners. Depends on nothing else of the engine.
 */
package io.junitmultihost.engine.internal.owner;
