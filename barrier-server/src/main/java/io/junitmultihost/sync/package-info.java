/**
 * Remote synchronisation for multi-host tests: a small HTTP/1.1 server ({@link io.junitmultihost.sync.SyncServer})
 * with TETware-style syncpoints, leases, lkp-style cluster state, a key-value store, abort and an
 * event stream, and its Java client ({@link io.junitmultihost.sync.SyncClient}). Hosts reach the same
 * server with curl or the {@code mh-sync} script. JDK and SLF4J only.
 */
package io.junitmultihost.sync;
