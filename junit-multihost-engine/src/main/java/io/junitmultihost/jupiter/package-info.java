/**
 * The JUnit 5 (Jupiter) side of junit-multihost: {@link io.junitmultihost.jupiter.MultiHost} on a
 * Jupiter test class gives it hosts through {@link io.junitmultihost.jupiter.MultiHostExtension}.
 */
package io.junitmultihost.jupiter;
