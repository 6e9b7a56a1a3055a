/**
 * Internal: reboots done right. Every host runs its own state machine
 * ({@code PREPARING -> REQUESTED -> DOWN -> UP -> VERIFIED -> READY}, with the way back for a wrong
 * kernel or magic and for a second reboot, and {@code FAILED} after bounded retries), publishes
 * each state change, and many hosts are waited for under a {@link io.junitmultihost.api.Quorum}.
 */
package io.junitmultihost.engine.internal.reboot;
