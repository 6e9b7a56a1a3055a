/**
 * The user-facing API of junit-multihost: the annotations a test class carries, the handles
 * injected into test methods ({@link io.junitmultihost.api.Host}, {@link io.junitmultihost.api.Cluster},
 * {@link io.junitmultihost.api.StateWait}), their value types (reboot options, quorums, host
 * events and states) and the project's exceptions.
 */
package io.junitmultihost.api;
