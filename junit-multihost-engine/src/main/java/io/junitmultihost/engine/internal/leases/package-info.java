/**
 * Internal: leases of shared hosts across processes, so that two test runs (Surefire forks, two
 * builds, two machines) never hold one inventory host at once: a lock file per host on this
 * machine, or an ephemeral ZooKeeper node per host with {@code multihost.leases.zookeeper}. The
 * host pool consults the store as it claims and returns hosts; it knows nothing of the pool.
 */
package io.junitmultihost.engine.internal.leases;
