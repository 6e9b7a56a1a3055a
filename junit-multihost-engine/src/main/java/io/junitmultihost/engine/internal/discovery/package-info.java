/** Internal: turning discovery selectors into the engine's test tree. */
package io.junitmultihost.engine.internal.discovery;
