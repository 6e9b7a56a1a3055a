/**
 * Internal: the launcher session's host pool (providers, leases) and the {@code Host},
 * {@code Cluster} and {@code Reboot} handles over the SSH transport.
 */
package io.junitmultihost.engine.internal.hosts;
