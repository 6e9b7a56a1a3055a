/**
 * The user-facing API of junit-multihost: the annotations a test class carries, the handles
 * injected into test methods ({@link io.junitmultihost.api.Host}, {@link io.junitmultihost.api.Cluster},
 * {@link io.junitmultihost.api.Sync}, {@link io.junitmultihost.api.StateWait}), their value types
 * (reboot options, quorums, host events and states, sync requests and results) and the project's
 * exceptions, all under {@link io.junitmultihost.api.MultiHostException}. It depends on nothing of
 * the project's: the engine adapts SSH and the sync server to it.
 */
package io.junitmultihost.api;
