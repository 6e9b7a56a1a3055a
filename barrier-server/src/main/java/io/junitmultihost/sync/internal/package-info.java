/**
 * Internals of the sync server: the non-blocking HTTP/1.1 loop, the request parser, and the
 * state of syncpoints, participants, cluster state, key-values and events. Not API: public only
 * so that {@code io.junitmultihost.sync} can use it; may change without notice.
 */
package io.junitmultihost.sync.internal;
