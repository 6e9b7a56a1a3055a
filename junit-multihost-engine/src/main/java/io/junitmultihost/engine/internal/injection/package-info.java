/** Internal: injecting host handles into parameters by exact type, for the engine and the Jupiter extension. */
package io.junitmultihost.engine.internal.injection;
