/**
 * The junit-multihost test engine ({@link io.junitmultihost.engine.MultiHostTestEngine}) and its
 * configuration keys ({@link io.junitmultihost.engine.Constants}). Everything under
 * {@code io.junitmultihost.engine.internal} is internal and may change without notice.
 */
package io.junitmultihost.engine;
