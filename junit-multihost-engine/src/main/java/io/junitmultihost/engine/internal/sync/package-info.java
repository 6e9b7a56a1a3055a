/**
 * The {@link io.junitmultihost.api.Sync} handle: the run's barrier server, one scope per test
 * class, and each host's way to it (an SSH remote forward, the mh-sync script, the token file).
 */
package io.junitmultihost.engine.internal.sync;
