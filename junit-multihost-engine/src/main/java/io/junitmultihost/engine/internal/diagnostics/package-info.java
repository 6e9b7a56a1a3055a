/** A test's deadline and what is gathered when it passes. Internal. */
package io.junitmultihost.engine.internal.diagnostics;
